# Recursion: factorial and Fibonacci, for stack traces and stepping.


def factorial(n):
    if n <= 1:  # BP:fact_entry
        return 1  # BP:fact_base
    sub = factorial(n - 1)  # BP:fact_recurse
    return n * sub  # BP:fact_return


def fib(n):
    if n < 2:  # BP:fib_entry
        return n
    return fib(n - 1) + fib(n - 2)


def main():
    f = factorial(5)  # BP:main_fact
    print("factorial(5) =", f)  # BP:main_print
    g = fib(10)
    print("fib(10) =", g)
    return f + g


total = main()  # BP:module_main
print("total", total)
