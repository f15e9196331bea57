# Reads its standard input while being debugged: the link to the debugger
# is the device's stdin too.
import sys

print("ready")
name = input("name? ")
greeting = "hello " + name  # BP:greeted
print(greeting)
line = sys.stdin.readline()
print("second line:", repr(line))
print("done")
