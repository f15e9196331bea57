"""A pty relay in front of a serial device that paces each direction to a
UART's speed (10 bits per byte: start, 8 data, stop) and counts the bytes.
With baud None it only counts. mpdbg opens `relay.path` as it would open
/dev/ttyUSB0 behind a USB-UART bridge.
"""

import os
import pty
import select
import termios
import threading
import time
import tty


class ThrottledRelay:
    def __init__(self, device, baud=None):
        self.rate = baud / 10.0 if baud else None  # bytes per second
        self.dev = os.open(device, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.dev)
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        self.slave = slave  # kept open: the path stays valid between sessions
        self.path = os.ttyname(slave)
        self.counts = [0, 0]  # host -> device, device -> host
        self._lock = threading.Lock()
        self._stop_r, self._stop_w = os.pipe()
        self._threads = [
            threading.Thread(target=self._pump, args=(self.master, self.dev, 0), daemon=True),
            threading.Thread(target=self._pump, args=(self.dev, self.master, 1), daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _pump(self, src, dst, direction):
        free_at = time.monotonic()  # when the line is idle again
        while True:
            ready, _, _ = select.select([src, self._stop_r], [], [])
            if self._stop_r in ready:
                return
            try:
                data = os.read(src, 64)
            except OSError:
                # No one has the pty open (between sessions): wait for one.
                time.sleep(0.01)
                continue
            if not data:
                return
            if self.rate:
                now = time.monotonic()
                free_at = max(free_at, now) + len(data) / self.rate
                # The bytes arrive when the line has carried them: pacing
                # is what this relay is for.
                time.sleep(max(0.0, free_at - now))
            try:
                os.write(dst, data)
            except OSError:
                return
            with self._lock:
                self.counts[direction] += len(data)

    def total(self):
        with self._lock:
            return self.counts[0] + self.counts[1]

    def close(self):
        os.write(self._stop_w, b"x")
        for t in self._threads:
            t.join(timeout=2)
        for fd in (self.master, self.slave, self.dev, self._stop_r, self._stop_w):
            try:
                os.close(fd)
            except OSError:
                pass
