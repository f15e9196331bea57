# An uncaught ValueError raised two calls deep.


def parse(text):
    value = int(text)
    if value < 0:
        raise ValueError("negative value: %d" % value)  # BP:raise
    return value


def load(items):
    out = []
    for item in items:
        out.append(parse(item))  # BP:load_call
    return out


print(load(["1", "2"]))
print(load(["3", "-4"]))  # BP:second_load
print("not reached")
