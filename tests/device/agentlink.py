"""Speaks the device protocol (docs/protocol.md) to the agent directly."""

import os
import select
import subprocess
import time

from qemuboard import BoardError

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
AGENT = os.path.join(REPO, "agent", "mpdbg.py")


def frame(payload):
    n = len(payload)
    lo, hi = n & 255, n >> 8
    check = (sum(payload) + n) & 0xFFFF
    return b"\xfe\xfd" + bytes([lo, hi, (lo + hi + 0x5A) & 255]) + payload + bytes([check & 255, check >> 8])


def message(kind, *fields):
    fields = [f if isinstance(f, bytes) else str(f).encode() for f in fields]
    return frame(kind + b"".join(b"%d:%s" % (len(f), f) for f in fields))


def parse(payload):
    fields, i = [], 1
    while i < len(payload):
        colon = payload.index(b":", i)
        n = int(payload[i:colon])
        fields.append(payload[colon + 1 : colon + 1 + n])
        i = colon + 1 + n
    return payload[:1], fields


class AgentLink:
    """The agent running a program, with its stdin/stdout as the link.

    Every wait is bounded: `timeout` seconds (default 60) for the next frame.
    """

    def __init__(self, interpreter, program, *args, timeout=60):
        self._board = not isinstance(interpreter, str)  # the emulated board (qemuboard.py)
        if self._board:
            self.proc = interpreter.popen(AGENT, program, *args, files=[program])
        else:
            self.proc = subprocess.Popen(
                [interpreter, AGENT, program, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,  # unbuffered: select() on stdout then tells the truth
            )
        self.output = b""  # program output seen between frames
        self.timeout = timeout

    @property
    def output(self):
        # A board's REPL prints "\r\n" where the host port, run as a
        # script, prints "\n": the text is the same.
        return self._output.replace(b"\r\n", b"\n") if self._board else self._output

    @output.setter
    def output(self, value):
        self._output = value

    def send(self, kind, *fields):
        self.proc.stdin.write(message(kind, *fields))
        self.proc.stdin.flush()

    def raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _read(self, n, deadline):
        if self._board:  # the board's process reads the pty with its own bound
            try:
                data = self.proc.stdout.read(n, timeout=max(deadline - time.monotonic(), 0.001))
            except BoardError as e:  # as from a host interpreter: no frame in time
                raise TimeoutError(f"no frame from the agent in time: {e}") from e
            if len(data) < n:
                raise EOFError("the agent's output ended; output so far %r" % self.output)
            return data
        data = b""
        while len(data) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise TimeoutError(f"no frame from the agent within {self.timeout} s; output so far: {self.output[-300:]!r}")
            chunk = self.proc.stdout.read(n - len(data))
            if not chunk:
                raise EOFError("the agent's output ended; output so far %r" % self.output)
            data += chunk
        return data

    def _step(self, deadline):
        """One byte of program output (collected; None) or one frame."""
        b = self._read(1, deadline)
        if b != b"\xfe":
            self.output += b
            return None
        head = self._read(4, deadline)
        assert head[0] == 0xFD, head
        payload = self._read(head[1] | head[2] << 8, deadline)
        self._read(2, deadline)
        return parse(payload)

    def _deadline(self, timeout):
        return time.monotonic() + (self.timeout if timeout is None else timeout)

    def recv(self, timeout=None):
        """The next frame's (kind, fields); program output is collected."""
        deadline = self._deadline(timeout)
        while True:
            frame = self._step(deadline)
            if frame is not None:
                return frame

    def until_output(self, text, timeout=None):
        """Reads until the program has printed `text` (bytes); returns the
        frames that arrived meanwhile."""
        deadline = self._deadline(timeout)
        frames = []
        while text not in self.output:
            frame = self._step(deadline)
            if frame is not None:
                frames.append(frame)
        return frames

    def until(self, kind, timeout=None):
        """The fields of the next frame of `kind` (others are skipped)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            k, f = self.recv(max(deadline - time.monotonic(), 0.001))
            if k == kind:
                return f

    def continue_to_end(self, rid=100):
        """Continues the program at every stop until it ends: returns the
        stops' fields, the agent's messages and the end message's fields."""
        stops, messages = [], []
        while True:
            kind, fields = self.recv()
            if kind == b"S":
                stops.append(fields)
                self.send(b"C", rid)
            elif kind == b"M":
                messages.append(fields[0].decode())
            elif kind == b"D":
                return stops, messages, fields

    def close(self):
        self.proc.kill()
        self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
