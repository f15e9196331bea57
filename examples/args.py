# Prints its command-line arguments; "exit=N" as the first argument makes it
# exit with status N, and "cwd" makes it print its working directory.
import os
import sys

args = sys.argv[1:]
print("argc", len(args))  # BP:args_start
for i, a in enumerate(args):
    print("arg", i, "[" + a + "]")
if args and args[0] == "cwd":
    print("cwd", os.getcwd())
if args and args[0].startswith("exit="):
    sys.exit(int(args[0][5:]))
print("args done")
