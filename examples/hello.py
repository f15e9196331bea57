# The first-run demo: set a breakpoint on the line marked BP:loop, start
# debugging, and watch `total`, `count` and `v` change as you step.
GREETING = "hello"


def average(values):
    total = 0  # BP:average_first
    count = 0
    for v in values:
        total += v  # BP:loop
        count += 1
    mean = total / count  # BP:mean
    return mean


def describe(name, values):
    mean = average(values)  # BP:call_average
    # Summarise in one line.
    label = "%s: %d values, mean %.2f" % (name, len(values), mean)  # BP:label
    flags = {"above_10": mean > 10, "empty": not values}

    print(label)  # BP:print_label
    return flags


temperatures = [12, 15, 9, 11]
result = describe("temperatures", temperatures)  # BP:module_call
print(GREETING, result["above_10"])  # BP:module_done
