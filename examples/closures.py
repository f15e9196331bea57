# Closures: a counter with nonlocal state and a lambda capturing a parameter.


def make_counter(start):
    count = start

    def increment(step=1):
        nonlocal count
        count += step  # BP:closure_inc
        return count

    return increment


def make_adder(n):
    return lambda x: x + n


def main():
    counter = make_counter(10)
    a = counter()  # BP:call_counter
    b = counter(5)
    add3 = make_adder(3)
    c = add3(4)  # BP:call_lambda
    print(a, b, c)  # BP:closures_done
    return a + b + c


main()
