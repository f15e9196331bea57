# A generator consumed by a for loop, and one consumed by sum().


def countdown(n):
    while n > 0:
        yield n  # BP:gen_yield
        n -= 1  # BP:gen_after_yield
    print("liftoff")


def squares(limit):
    for i in range(limit):
        yield i * i


def consume():
    seen = []
    for value in countdown(3):  # BP:consume_for
        seen.append(value)  # BP:consume_body
    total = sum(squares(4))
    return seen, total  # BP:consume_return


result = consume()
print(result)
