# A busy loop with no calls in it, for pause and for breakpoints added while
# the program runs. It ends when the global `running` is set to False (or
# after LIMIT iterations). Argument "function" runs the loop inside spin().
# It prints "in the loop" once, at the 1000th iteration, so that a test
# knows when the loop is running; after that it calls nothing.
import sys

running = True
counter = 0
LIMIT = 10 ** 9


def spin(limit):
    n = 0
    while True:
        n += 1  # BP:spin_body
        if n == 1000:
            print("in the loop")
        if not running or n >= limit:  # BP:spin_check
            break
    return n


mode = sys.argv[1] if len(sys.argv) > 1 else "module"
print("looping in", mode)  # BP:announce
if mode == "function":
    counter = spin(LIMIT)
else:
    while True:
        counter += 1  # BP:loop_body
        if counter == 1000:
            print("in the loop")
        if not running or counter >= LIMIT:  # BP:loop_check
            break
print("loop ended", counter > 0)  # BP:loop_ended
