# Corpus: classes, methods, decorators. Runs on CPython 3.11 and MicroPython.

registry = []


def register(fn):
    registry.append(fn.__name__)
    return fn


def tagged(tag):
    def deco(fn):
        def wrapper(*args, **kwargs):
            result = fn(*args, **kwargs)
            return tag + str(result)
        return wrapper
    return deco


def counted(cls):
    cls.count = 0
    return cls


@register
def plain_decorated(x):
    y = x + 1
    return y


@tagged('#')
def tag_decorated(a, b):
    c = a * b
    return c


@register
@tagged('!')
def two_decorators(v):
    w = v - 1
    return w


@counted
class Point:
    dims = 2
    origin_label = 'O' * dims

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        total = abs(self.x) + abs(self.y)
        return total

    def moved(self, dx, dy=0):
        nx = self.x + dx
        ny = self.y + dy
        return Point(nx, ny)

    @staticmethod
    def from_pair(pair):
        a, b = pair
        return Point(a, b)

    @classmethod
    def zero(cls):
        made = cls(0, 0)
        return made

    @property
    def as_tuple(self):
        t = (self.x, self.y)
        return t


class Shape:
    sides = 0

    def describe(self):
        text = '%d sides' % self.sides
        return text


class Square(Shape):
    sides = 4
    size = sides * 2

    def area(self, s):
        a = s * s
        return a

    def describe(self):
        base = super().describe()
        extra = base + ' (square)'
        return extra


class WithClassBody:
    numbers = [n * 2 for n in range(3)]
    total = 0
    for n in numbers:
        total += n
    label = 'total=%d' % total


def make_class(prefix):
    class Inner:
        tag = prefix + '-inner'

        def show(self, suffix):
            full = self.tag + suffix + prefix
            return full
    return Inner


def methods_calling_methods():
    p = Point(3, -4)
    n = p.norm1()
    q = p.moved(1, 2)
    r = Point.from_pair((5, 6))
    z = Point.zero()
    return n, q.as_tuple, r.as_tuple, z.as_tuple


def class_attribute_counts():
    Point.count += 1
    c = Point.count
    return c


print(plain_decorated(1))
print(tag_decorated(2, 3))
print(two_decorators(5))
print(registry)
print(methods_calling_methods())
print(class_attribute_counts())
print(Point.origin_label)
sq = Square()
print(sq.area(3), sq.describe(), Square.size)
print(WithClassBody.numbers, WithClassBody.label)
K = make_class('p')
print(K().show('s'))
