"""Speaks the device protocol (docs/protocol.md) to the agent directly."""

import os
import subprocess

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
    """The agent running a program, with its stdin/stdout as the link."""

    def __init__(self, interpreter, program, *args):
        self._board = not isinstance(interpreter, str)  # the emulated board (qemuboard.py)
        if self._board:
            self.proc = interpreter.popen(AGENT, program, *args, files=[program])
        else:
            self.proc = subprocess.Popen(
                [interpreter, AGENT, program, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        self._output = b""  # program output seen between frames

    @property
    def output(self):
        # A board's REPL prints "\r\n" where the host port, run as a
        # script, prints "\n": the text is the same.
        return self._output.replace(b"\r\n", b"\n") if self._board else self._output

    def send(self, kind, *fields):
        self.proc.stdin.write(message(kind, *fields))
        self.proc.stdin.flush()

    def raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _step(self):
        """One byte of program output (collected; None) or one frame."""
        out = self.proc.stdout
        b = out.read(1)
        if not b:
            raise EOFError("the agent's output ended; output so far %r" % self.output)
        if b != b"\xfe":
            self._output += b
            return None
        head = out.read(4)
        assert head[0] == 0xFD, head
        payload = out.read(head[1] | head[2] << 8)
        out.read(2)
        return parse(payload)

    def recv(self):
        """The next frame's (kind, fields); program output is collected."""
        while True:
            frame = self._step()
            if frame is not None:
                return frame

    def until_output(self, text):
        """Reads until the program has printed `text` (bytes); returns the
        frames that arrived meanwhile."""
        frames = []
        while text not in self.output:
            frame = self._step()
            if frame is not None:
                frames.append(frame)
        return frames

    def until(self, kind):
        while True:
            k, f = self.recv()
            if k == kind:
                return f

    def close(self):
        self.proc.kill()
        self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
