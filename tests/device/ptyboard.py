"""A pseudo-terminal "board": the host MicroPython's REPL behind a pty path.

The interpreter runs on one pty; a relay thread copies bytes between it and a
second pty whose path a serial tool (mpremote, pyserial, mpdbg) opens exactly
as it opens a board's /dev/ttyACM0.
"""

import os
import pty
import select
import subprocess
import threading
import tty


class PtyBoard:
    def __init__(self, interpreter, args=("--repl",), env=None, cwd=None):
        self._dev_master, dev_slave = pty.openpty()
        tty.setraw(dev_slave)
        self._board_master, board_slave = pty.openpty()
        self.path = os.ttyname(dev_slave)
        self._dev_slave = dev_slave  # kept open so the path stays valid
        self._command = ([interpreter, *args], env, cwd)
        # Kept open too: the relay must outlive the interpreter across a reset().
        self._board_slave = board_slave
        self.proc = self._start(board_slave)
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._relay, daemon=True)
        self._thread.start()

    def _start(self, slave):
        argv, env, cwd = self._command
        return subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True)

    def reset(self):
        """A hard reset: the interpreter starts again on the same port (and
        prints its start-up banner), as a board's reset button does."""
        self.proc.kill()
        self.proc.wait(timeout=5)
        self.proc = self._start(self._board_slave)

    def _relay(self):
        ends = {self._dev_master: self._board_master, self._board_master: self._dev_master}
        while True:
            ready, _, _ = select.select([self._dev_master, self._board_master, self._stop_r], [], [])
            if self._stop_r in ready:
                return
            for fd in ready:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return
                if not data:
                    return
                os.write(ends[fd], data)

    def close(self):
        os.write(self._stop_w, b"x")
        self._thread.join(timeout=5)
        self.proc.kill()
        self.proc.wait(timeout=5)
        for fd in (self._dev_master, self._board_master, self._dev_slave, self._board_slave, self._stop_r, self._stop_w):
            os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _serve():
    # python3 ptyboard.py INTERPRETER WORKDIR [ARGS...]: prints the pty
    # path, serves until stdin closes (the e2e suite uses it). ARGS are the
    # interpreter's (default --repl).
    interpreter, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    board = PtyBoard(interpreter, args=sys.argv[3:] or ("--repl",), cwd=workdir)
    print(board.path, flush=True)
    try:
        sys.stdin.buffer.read()
    finally:
        board.close()


if __name__ == "__main__":
    import sys

    _serve()
