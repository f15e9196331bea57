"""A minimal DAP client for the benchmark (stdio, Content-Length framing)."""

import json
import queue
import subprocess
import threading
import time


class DapClient:
    def __init__(self, cmd, env=None):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.messages = queue.Queue()
        self.seq = 0
        self.output = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        f = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                c = f.read(1)
                if not c:
                    self.messages.put(None)
                    return
                header += c
            n = int(header.split(b":")[1].split(b"\r")[0])
            self.messages.put(json.loads(f.read(n)))

    def send(self, command, **arguments):
        self.seq += 1
        body = json.dumps({"seq": self.seq, "type": "request", "command": command, "arguments": arguments}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return self.seq

    def wait(self, pred, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching DAP message within %s s" % timeout)
            m = self.messages.get(timeout=left)
            if m is None:
                raise EOFError("the adapter closed its output")
            if m.get("type") == "event" and m["event"] == "output":
                self.output.append(m["body"])
            if pred(m):
                return m

    def request(self, command, **arguments):
        seq = self.send(command, **arguments)
        r = self.wait(lambda m: m.get("type") == "response" and m["request_seq"] == seq)
        if not r["success"]:
            raise RuntimeError("%s failed: %s" % (command, r.get("message")))
        return r.get("body")

    def event(self, name, timeout=60):
        return self.wait(lambda m: m.get("type") == "event" and m["event"] == name, timeout)

    def close(self):
        try:
            self.send("disconnect")
        except OSError:
            pass
        self.proc.wait(timeout=10)
