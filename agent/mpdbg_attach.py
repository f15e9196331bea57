# mpdbg agent, attach part: a program that is already running waits for a
# debugger on TCP (mpdbg.listen(), or the seed's debugpy.listen()). Loaded
# by listen() and at each connection; while nobody is attached the program
# runs untraced and the listening socket is watched from C (_mpdbg.watch),
# so waiting costs no Python at all.
#
# The handshake: the agent sends A(nonce, token required); a host that
# knows the token answers A(id, HMAC-SHA256(token, nonce) in hex). Nothing
# from a client is obeyed before that; a wrong answer closes the connection
# and the program runs on, listening.
import socket
import sys

import _mpdbg

PROOF_TIMEOUT = 5000  # ms a client has to prove it knows the token


def _loopback(host):
    return host in ("localhost", "::1") or host[:4] == "127."


def listen(c, host, port, token):
    if c["_attached"] or _mpdbg.stdin() is not None:
        return host, port  # a debugger drives this program already
    if not token and not _loopback(host):
        raise ValueError(
            "listen(host=%r) needs token=: on a network address anyone who can reach the board could debug it;"
            " pass a secret that the debugger configuration carries as \"token\", or listen on 127.0.0.1" % host
        )
    if c["_server"] is None:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(socket.getaddrinfo(host, port)[0][-1])
        s.listen(1)
        s.setblocking(False)
        c["_server"] = s
        c["_listen"] = (host, port, token)
        c["_resume"]()
    sys.modules.pop("mpdbg_attach", None)  # no heap while nobody connects
    return host, port


def relisten(c):
    """After a detach: listen again where listen() did."""
    try:
        listen(c, *c["_listen"])
    except BaseException as e:
        c["_internal"](e)  # the address went away: the program runs on


def wait(c):
    """Blocks until a client has attached (each connection is tried in turn)."""
    s = c["_server"]
    if s is None:
        raise RuntimeError("wait_for_client() before listen()")
    poll = __import__("select").poll()
    poll.register(s, 1)
    while not c["_attached"]:
        _mpdbg.watch(None)  # we accept here; no wake may race us for it
        poll.poll(-1)
        accept(c, None)


def _hmac(key, msg):
    h = _mpdbg.sha256
    key = key.encode() if isinstance(key, str) else key
    if len(key) > 64:
        key = h(key)
    key = key + b"\0" * (64 - len(key))
    inner = h(bytes(b ^ 0x36 for b in key) + msg)
    return h(bytes(b ^ 0x5C for b in key) + inner)


def _hex(b):
    return "".join("%02x" % x for x in b)


def _nonce():
    try:
        return _hex(__import__("os").urandom(16))
    except BaseException:
        # No urandom on this firmware: unique, if not secret, is what a nonce
        # against replays needs.
        t = __import__("time").ticks_us()
        return _hex(_mpdbg.sha256(b"%d %d %d" % (t, id(sys), id(object()))))[:32]


def _proved(c, conn, stop):
    # The challenge, on the client's connection, before anything is obeyed.
    token = c["_listen"][2]
    nonce = _nonce()
    c["_send"](b"A", nonce, "1" if token else "0")
    if not token:
        return True
    if not stop._readable(PROOF_TIMEOUT):
        return False
    kind, f = stop._recv()
    return kind == b"A" and len(f) > 1 and f[1].decode() == _hex(_hmac(token, nonce.encode()))


def accept(c, frame):
    """A client connects: the handshake, then the session starts here."""
    _mpdbg.watch(None)  # nothing else may read the socket meanwhile
    try:
        conn, _ = c["_server"].accept()
    except OSError:
        c["_resume"]()
        return
    conn.setblocking(True)
    c["_link"] = conn
    c["_out"] = conn
    stop = c["_load"]("mpdbg_stop")
    try:
        ok = _proved(c, conn, stop)
    except BaseException:
        ok = False
    if not ok:
        c["_link"] = sys.stdin
        c["_out"] = sys.stdout.buffer
        conn.close()
        c["_resume"]()
        sys.modules.pop("mpdbg_attach", None)
        return
    c["_attached"] = True
    # One client at a time: while this one is attached, nothing listens, so
    # a second one is refused at once (the next is heard after the detach).
    c["_server"].close()
    c["_server"] = None
    stop.attached(c)  # and arms the frames already running
    # That may have disarmed a wake for what the host sent since: watch anew.
    c["_resume"]()
    sys.modules.pop("mpdbg_attach", None)


def stop_caller(c):
    """breakpoint(): stop at the next line of the caller."""
    c["_mode"] = 1
    d = c["_DIR"]
    for f in _mpdbg.frames():
        if f.f_code.co_filename[: len(d)] != d:
            _mpdbg.arm(f, c["_on_line"], False)
            break
    c["_resume"]()


def api(c, name):
    """mpdbg.NAME for a program: listen, wait_for_client, breakpoint,
    is_client_connected, disconnect."""
    if name == "listen":
        return lambda port=5678, host="0.0.0.0", token=None: listen(c, host, port, token)
    if name == "wait_for_client":
        return lambda: wait(c)
    if name == "is_client_connected":
        return lambda: c["_attached"]
    if name == "breakpoint":
        return lambda: c["_attached"] and stop_caller(c)
    if name == "disconnect":
        return lambda: disconnect(c)
    raise AttributeError(name)


def disconnect(c):
    """Lets the debugger go: the program runs on untraced, listening again."""
    if c["_attached"] and c["_link"] is not sys.stdin:
        c["_load"]("mpdbg_stop")._detach(c)
        c["_resume"]()
