# Values of every common type, for the variables view.


def build():
    number = 42
    neg = -7
    large_int = 2 ** 70
    ratio = 0.125
    third = 1 / 3
    flag = False
    nothing = None
    text = "hello 'quoted' \"double\"\ttab"
    unicode_text = "h\u00e9llo w\u00f6rld \u2713"
    small_list = [1, 2.5, "three", None, True]
    small_tuple = (1, "two", (3, 4))
    single = (42,)
    mapping = {"alpha": 1, "beta": [2, 3], "gamma": {"delta": None}}
    numbers = {3, 1, 2}
    empty_list = []
    empty_dict = {}
    raw = b"bytes\x00\xff"
    buf = bytearray(b"abc")
    nested = [[1, [2, [3, [4]]]], {"k": (5, 6)}]
    big = list(range(500))
    long_text = "x" * 600 + "y" * 600
    return len(big) + len(long_text)  # BP:containers_ready


size = build()
print("size", size)  # BP:module_done
