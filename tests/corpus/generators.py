# Corpus: generators and coroutines. Coroutines are driven synchronously
# with .send(None) (no asyncio). Runs on CPython 3.11 and MicroPython.


def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1


def gen_with_locals(items):
    total = 0
    for x in items:
        total += x
        yield total
    final = total * 10
    yield final


def gen_send():
    received = []
    value = yield 'ready'
    while value is not None:
        received.append(value)
        value = yield len(received)
    return received


def gen_yield_from(n):
    before = 'start'
    got = yield from count_up(n)
    after = 'end'
    yield after


def gen_return_value():
    x = yield 1
    return 'done'


def gen_closure(k):
    scale = k

    def helper(v):
        return v * scale
    for i in range(2):
        yield helper(i)


def gen_try_finally():
    state = 'open'
    try:
        yield state
        state = 'middle'
        yield state
    finally:
        state = 'closed'


def drive(gen):
    out = []
    for v in gen:
        out.append(v)
    return out


def drive_send():
    g = gen_send()
    first = g.send(None)
    a = g.send('x')
    b = g.send('y')
    try:
        g.send(None)
    except StopIteration as stop:
        result = stop.value
    return first, a, b, result


def drive_return_value():
    g = gen_return_value()
    one = next(g)
    try:
        g.send(5)
    except StopIteration as stop:
        val = stop.value
    return one, val


async def add_async(a, b):
    s = a + b
    return s


async def chain_async(x):
    first = await add_async(x, 1)
    second = await add_async(first, 2)
    return first * second


class AsyncRange:
    def __init__(self, n):
        self.n = n
        self.i = 0

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        cur = self.i
        self.i += 1
        return cur


class AsyncCtx:
    def __init__(self):
        self.events = []

    async def __aenter__(self):
        self.events.append('in')
        return 'ctx'

    async def __aexit__(self, et, e, tb):
        self.events.append('out')
        return False


async def async_for_sum(n):
    acc = 0
    async for k in AsyncRange(n):
        acc += k
    return acc


async def async_with_use():
    c = AsyncCtx()
    async with c as label:
        inside = label * 2
    return inside, c.events


async def async_nested_closure(v):
    base = v

    async def inner(w):
        return base + w
    got = await inner(5)
    return got


def run(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        res = stop.value
    return res


def generator_expression_resumed():
    g = (c * 2 for c in 'abc')
    first = next(g)
    second = next(g)
    rest = list(g)
    return first, second, rest


print(drive(count_up(3)))
print(drive(gen_with_locals([1, 2])))
print(drive_send())
print(drive(gen_yield_from(2)))
print(drive_return_value())
print(drive(gen_closure(3)))
print(drive(gen_try_finally()))
print(run(add_async(1, 2)))
print(run(chain_async(1)))
print(run(async_for_sum(3)))
print(run(async_with_use()))
print(run(async_nested_closure(1)))
print(generator_expression_resumed())
