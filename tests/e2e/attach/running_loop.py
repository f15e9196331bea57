# Already running when a debugger attaches; it must never restart.
import sys

import mpdbg

token = sys.argv[2] if len(sys.argv) > 2 else None
mpdbg.listen(int(sys.argv[1]), "127.0.0.1", token)
print("listening")
counter = 0
while True:
    counter += 1  # BP:loop
    if counter % 1000000 == 0:
        print("counter", counter)
