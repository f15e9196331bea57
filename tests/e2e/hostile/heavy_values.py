# Values whose inspection costs a lot, loops or fails.
class Tricky:
    def __init__(self):
        self.plain = 42

    @property
    def loops(self):
        while True:
            pass

    @property
    def raises(self):
        raise ValueError("no such thing")


def hold():
    big = list(range(1000000))
    tricky = Tricky()
    text = "x" * 100000
    return len(big) + len(text)  # BP:holding


print("total", hold())
