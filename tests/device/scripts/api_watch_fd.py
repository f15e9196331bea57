# watch() on a stream whose MP_STREAM_POLL fails but which has a file
# descriptor (like sys.stdin on upstream's unix port): _mpdbg polls the
# descriptor. The stream is an io.IOBase over one end of a loopback
# connection; the loop makes no calls except the one send that wakes it.
import io
import socket
import sys

import _mpdbg

MP_STREAM_POLL = 3
MP_STREAM_GET_FILENO = 10
EINVAL = 22


class FdOnlyStream(io.IOBase):
    def __init__(self, sock):
        self.sock = sock

    def ioctl(self, request, arg):
        if request == MP_STREAM_GET_FILENO:
            return self.sock.fileno()
        return -EINVAL  # every other request fails, MP_STREAM_POLL included


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
port = int(sys.argv[1])
srv.bind(("127.0.0.1", port))
srv.listen(1)
c = socket.socket()
c.connect(("127.0.0.1", port))
s, _ = srv.accept()
stream = FdOnlyStream(s)
print("poll fails", stream.ioctl(MP_STREAM_POLL, 1) < 0)
state = {"stop": False}


def on_line(frame, event, arg):
    state["stop"] = True


sys.settrace(lambda f, e, a: None)
print("watch", _mpdbg.watch(stream, on_line, 5))
n = 0
while not state["stop"]:
    n += 1
    if n == 2000:
        c.send(b"x")
sys.settrace(None)
print("woken", n >= 2000)
