# A ValueError that is caught, then one that is not, raised two calls deep.


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


def safe_parse(text):
    try:
        return parse(text)
    except ValueError:
        return None  # BP:caught


print(load(["1", "2"]))
print(safe_parse("-1"))  # BP:caught_call
print(load(["3", "-4"]))  # BP:second_load
print("not reached")
