"""The emulated board as a test target: `mpdbg emulate` (QEMU's mps2-an385
running our qemu-mps2 firmware), driven over its UART's pty with the raw REPL.

A script runs on the board as on the host interpreter (`micropython SCRIPT
ARGS`): its file, and the .py files beside it, are copied to the same absolute
path on the board's RAM file system, the VM is soft-reset (a fresh heap, of
the size asked for with `-X heapsize=N`), and a launcher runs the file as
__main__ with sys.argv set. Output, exceptions and the exit status come back
as from a process.
"""

import os
import select
import subprocess
import threading
import time
import tty

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
DEFAULT_HEAP = 192 * 1024


class BoardError(AssertionError):
    pass


class QemuBoard:
    def __init__(self, mpdbg_command, flavour, cwd, options=()):
        self.flavour = flavour
        self._command = (mpdbg_command, cwd, list(options))
        self._start()

    def _start(self):
        mpdbg_command, cwd, options = self._command
        self.proc = subprocess.Popen(
            mpdbg_command + ["emulate", "--flavour", self.flavour, *options],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("/dev/"):
            self.proc.kill()
            raise BoardError(f"mpdbg emulate gave no pty: {line!r} {self.proc.stderr.read().decode()}")
        self.path = line
        self.fd = os.open(line, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self._uploaded = {}  # board path -> bytes it holds
        self._buf = b""

    # -- the UART --------------------------------------------------------
    def write(self, data):
        os.write(self.fd, data)

    def read_some(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise BoardError(f"the board did not answer in time; last output {self._buf[-200:]!r}")
        ready, _, _ = select.select([self.fd], [], [], left)
        if ready:
            return os.read(self.fd, 4096)
        return b""

    def read_until(self, marker, timeout=30):
        deadline = time.monotonic() + timeout
        while marker not in self._buf:
            self._buf += self.read_some(deadline)
        head, _, self._buf = self._buf.partition(marker)
        return head

    # -- the raw REPL ----------------------------------------------------
    def raw_repl(self):
        """Stops whatever runs and enters the raw REPL."""
        self._buf = b""
        self.write(b"\r\x03\x03\x01")
        self.read_until(RAW_BANNER)

    def soft_reset(self, heap=DEFAULT_HEAP):
        """A fresh VM (the RAM file system stays), heap of `heap` bytes."""
        self.raw_repl()
        self.exec_raw(f"import board; board.heap_size({heap})")
        self.write(b"\x04")
        self.read_until(b"soft reboot\r\n")
        self.read_until(RAW_BANNER)

    def send_raw(self, code):
        self.write(code.encode() + b"\x04")
        self.read_until(b"OK")

    def exec_raw(self, code, timeout=60):
        """Runs code in the raw REPL; returns its stdout, raises on an error."""
        self.send_raw(code)
        out = self.read_until(b"\x04", timeout)
        err = self.read_until(b"\x04>", timeout)
        if err:
            raise BoardError(f"the board raised: {err.decode(errors='replace')}")
        return out

    def put(self, host_path, board_path=None):
        board_path = board_path or os.path.abspath(host_path)
        with open(host_path, "rb") as f:
            data = f.read()
        if self._uploaded.get(board_path) == data:
            return
        parts = board_path.strip("/").split("/")[:-1]
        lines = ["import os", "def _md(p):", " try: os.mkdir(p)", " except OSError: pass"]
        for i in range(1, len(parts) + 1):
            lines.append(f"_md({'/' + '/'.join(parts[:i])!r})")
        lines.append(f"_f = open({board_path!r}, 'wb')")
        for i in range(0, len(data), 512):
            lines.append(f"_f.write({data[i:i + 512]!r})")
        lines.append("_f.close()")
        self.exec_raw("\n".join(lines))
        self._uploaded[board_path] = data

    # -- processes -------------------------------------------------------
    def popen(self, script, *args, heap=DEFAULT_HEAP, files=()):
        """Starts `script` on the board (after copying it, the .py files
        beside it and `files`); returns a Popen-like object."""
        script = os.path.abspath(script)
        folder = os.path.dirname(script)
        self.raw_repl()
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py"):
                self.put(os.path.join(folder, name))
        for path in files:
            self.put(path)
        self.soft_reset(heap)
        argv = [script, *map(str, args)]
        self.send_raw(LAUNCHER.format(argv=argv, folder=folder, path=script))
        return BoardProcess(self)

    def run(self, script, *args, heap=DEFAULT_HEAP, stdin=None, timeout=60):
        proc = self.popen(script, *args, heap=heap)
        if stdin:
            proc.stdin.write(stdin.encode() if isinstance(stdin, str) else stdin)
        out, err = proc.communicate(timeout=timeout)
        return subprocess.CompletedProcess([script, *args], proc.returncode, out.decode(), err.decode())

    def close(self):
        os.close(self.fd)
        self.proc.kill()
        self.proc.wait(timeout=10)

    def power_cycle(self):
        """A new QEMU: for a program that ignores Ctrl-C (the agent turns it
        off, since the link's bytes are binary). The RAM file system is new."""
        self.close()
        self._start()


# Runs a file as __main__ as `micropython FILE ARGS` does; keeps the exit
# status for the driver to ask for.
LAUNCHER = """import sys
sys.argv[:] = {argv!r}
sys.path[0] = {folder!r}
_st = 0
try:
    exec(compile(open({path!r}).read(), {path!r}, 'exec'), {{'__name__': '__main__', '__file__': {path!r}}})
except SystemExit as e:
    _v = e.args[0] if e.args else None
    _st = 0 if _v is None else (_v & 255 if isinstance(_v, int) else 1)
finally:
    sys.settrace(None)  # a process would end here, its tracer with it
"""


class _Stdin:
    def __init__(self, board):
        self._board = board

    def write(self, data):
        self._board.write(data)

    def flush(self):
        pass

    def close(self):
        pass  # a UART has no end of file


class _Stdout:
    """The program's output: UART bytes up to the raw REPL's end marker."""

    def __init__(self, proc):
        self._proc = proc

    def read(self, n=-1, timeout=60):
        return self._proc._read(n, timeout)

    def readline(self):
        return self._proc._readline()


class BoardProcess:
    def __init__(self, board):
        self._board = board
        self.stdin = _Stdin(board)
        self.stdout = _Stdout(self)
        self.returncode = None
        self._all = b""  # everything received since the launch
        self._out = b""  # received, not yet consumed
        self._done = False
        self._err = b""
        self._lock = threading.Lock()

    def _fill(self, deadline):
        """Reads more from the UART; at the end marker the program is done."""
        data = self._board._buf or self._board.read_some(deadline)
        self._board._buf = b""
        self._all += data
        self._out += data
        end = len(self._all) - 2
        if self._all.endswith(b"\x04>"):
            start = self._all.rfind(b"\x04", 0, end)
            if start >= 0:
                self._err = self._all[start + 1 : end]
                handed_out = len(self._all) - len(self._out)
                self._out = self._all[handed_out:start]
                self._finish()

    def _finish(self):
        self._done = True
        if self._err:
            self.returncode = 1
        else:
            self._board._buf = b""
            self.returncode = int(self._board.exec_raw("print(_st)").strip())

    def _read(self, n, timeout=60):
        deadline = time.monotonic() + timeout
        while not self._done and (n < 0 or len(self._out) < n):
            self._fill(deadline)
        if n < 0:
            n = len(self._out)
        data, self._out = self._out[:n], self._out[n:]
        return data

    def _readline(self, timeout=60):
        deadline = time.monotonic() + timeout
        while not self._done and b"\n" not in self._out:
            self._fill(deadline)
        line, sep, self._out = self._out.partition(b"\n")
        return (line + sep).replace(b"\r\n", b"\n")

    @property
    def stderr(self):
        return self

    def read(self):  # stderr.read()
        return self._err

    def wait(self, timeout=60):
        deadline = time.monotonic() + timeout
        while not self._done:
            self._fill(deadline)
        return self.returncode

    def communicate(self, timeout=60):
        self.wait(timeout)
        out, self._out = self._out, b""
        return out.replace(b"\r\n", b"\n"), self._err.replace(b"\r\n", b"\n")

    def kill(self):
        if not self._done:
            self._board.power_cycle()
            self._done = True
