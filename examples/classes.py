# Classes: instance attributes, methods, inheritance.


class Point:
    dims = 2

    def __init__(self, x, y):
        self.x = x  # BP:init_first
        self.y = y

    def norm2(self):
        result = self.x * self.x + self.y * self.y  # BP:norm2
        return result


class Point3(Point):
    dims = 3

    def __init__(self, x, y, z):
        Point.__init__(self, x, y)
        self.z = z

    def norm2(self):
        return Point.norm2(self) + self.z * self.z


def main():
    p = Point(3, 4)
    q = Point3(1, 2, 2)
    total = p.norm2() + q.norm2()  # BP:call_methods
    names = [type(p).__name__, type(q).__name__]
    print(names, total)  # BP:classes_done
    return total


main()
