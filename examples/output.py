# Program output of every awkward kind, with calls between the writes so
# breakpoints can stop between them. The exact bytes are the oracle's
# fixtures/output.py.stdout.
import sys


def flush():
    # CPython buffers sys.stdout's text layer; MicroPython has no flush.
    f = getattr(sys.stdout, "flush", None)
    if f:
        f()


def section(name):
    flush()
    return name  # BP:section


section("start")  # BP:out_start
print("plain line")
print("tab\there", "bell\x07", "esc\x1b[1mbold\x1b[0m", "nul\x00end")
print("crlf\r\nline")
sys.stdout.write("partial ")  # BP:partial
section("partial")
sys.stdout.write("line\r")
section("cr")
sys.stdout.write("overwritten\n")
section("long")
print("L" * 100000)  # BP:long
section("binary")
sys.stdout.buffer.write(bytes(range(256)))  # BP:binary
sys.stdout.buffer.write(b"\n\xfe\xfd\x05\x00frame-like prefix\n")
sys.stdout.buffer.write(b"split utf-8: \xe2\x9c")
sys.stdout.buffer.write(b"\x93\n")
section("unicode")
print("utf8: h\u00e9llo \u2713 \U0001f40d")
sys.stdout.write("no newline at end")  # BP:last_write
section("end")
