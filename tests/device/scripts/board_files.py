# Run on a board (`mpremote connect PORT run board_files.py`): every entry
# below its start-up folder, each file with a checksum of its bytes, so that
# a test can tell whether a session changed anything on the board.
import os


def walk(d):
    for e in sorted(os.ilistdir(d)):
        p = d.rstrip("/") + "/" + e[0]
        if e[1] == 0x4000:
            print("dir", p)
            walk(p)
        else:
            a = 0
            with open(p, "rb") as f:
                for x in f.read():
                    a = (a * 31 + x) % 1000000007
            print("file", p, a)


walk(os.getcwd())
