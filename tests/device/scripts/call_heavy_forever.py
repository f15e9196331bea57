# A loop that makes a call per iteration and never ends: with the `raised`
# filter on, the agent's tracer runs at every call, line and return.
def f(x):
    return x + 1


total = 0
while True:
    total = f(total)
