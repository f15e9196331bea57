# Stepped through by the benchmark: a loop with a few locals of common types.
def body(i, acc, name, items):
    acc = acc + i
    items.append(i)
    return acc


def main():
    acc = 0
    name = "stepper"
    items = []
    for i in range(100000):
        acc = body(i, acc, name, items[-3:])  # BP: first stop
    return acc


main()
