"""A small synchronous Debug Adapter Protocol client over a subprocess's stdio.

Used by oracle.py to drive debugpy's own adapter (`python -m debugpy.adapter`),
exactly as VS Code does: initialize, launch, setBreakpoints, configurationDone.
Every wait is bounded; a timeout raises DapTimeout naming what was awaited.
"""

import json
import queue
import subprocess
import threading
import time


class DapTimeout(Exception):
    pass


class DapError(Exception):
    """A request answered with success: false."""

    def __init__(self, response):
        self.response = response
        super().__init__(
            "%s failed: %s" % (response.get("command"), response.get("message"))
        )


class DapClient:
    def __init__(self, argv, cwd=None, env=None, timeout=30.0):
        self.timeout = timeout
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        self.seq = 1
        self.inbox = queue.Queue()
        self.responses = {}
        self.events = []  # every event, in arrival order, never consumed
        self.pending_events = []  # events not yet taken by wait_event
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # ---- wire ----------------------------------------------------------
    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            body = out.read(length)
            self.inbox.put(json.loads(body.decode("utf-8")))

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def _pump(self, deadline, what):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DapTimeout("timed out waiting for %s" % what)
        try:
            msg = self.inbox.get(timeout=remaining)
        except queue.Empty:
            raise DapTimeout("timed out waiting for %s" % what) from None
        if msg is None:
            raise DapTimeout(
                "adapter closed its output while waiting for %s; stderr:\n%s"
                % (what, "".join(self.stderr[-20:]))
            )
        kind = msg.get("type")
        if kind == "response":
            self.responses[msg["request_seq"]] = msg
        elif kind == "event":
            self.events.append(msg)
            self.pending_events.append(msg)
        elif kind == "request":  # reverse request: we support none
            self._write(
                {
                    "type": "response",
                    "request_seq": msg["seq"],
                    "success": False,
                    "command": msg["command"],
                    "message": "not supported by the oracle client",
                }
            )

    def _write(self, msg):
        msg = dict(msg, seq=self.seq)
        self.seq += 1
        body = json.dumps(msg).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return msg["seq"]

    # ---- API -----------------------------------------------------------
    def send(self, command, arguments=None):
        """Sends a request; returns its seq (use wait_response)."""
        msg = {"type": "request", "command": command}
        if arguments is not None:
            msg["arguments"] = arguments
        return self._write(msg)

    def wait_response(self, seq, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while seq not in self.responses:
            self._pump(deadline, "the response to request %d" % seq)
        resp = self.responses.pop(seq)
        if not resp.get("success"):
            raise DapError(resp)
        return resp

    def request(self, command, arguments=None, timeout=None):
        return self.wait_response(self.send(command, arguments), timeout).get("body") or {}

    def wait_event(self, names, timeout=None):
        """Takes the oldest pending event whose name is in `names`."""
        if isinstance(names, str):
            names = (names,)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, ev in enumerate(self.pending_events):
                if ev["event"] in names:
                    del self.pending_events[i]
                    return ev
            self._pump(deadline, "event %s" % "/".join(names))

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
