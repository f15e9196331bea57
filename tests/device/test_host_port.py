"""The host port behaves like board firmware: modules, REPL over a pty."""

import os
import subprocess

import pytest

from conftest import mpremote, run_script
from ptyboard import PtyBoard

# The emulated board's own behaviour is in test_board.py.
pytestmark = pytest.mark.host_only

MODULES_CHECK = r"""
import sys, select, socket, time, os, gc, micropython
assert hasattr(sys.stdin, 'buffer') and hasattr(sys.stdout, 'buffer')
t0 = time.ticks_ms(); time.sleep_ms(20); dt = time.ticks_diff(time.ticks_ms(), t0)
assert 15 <= dt < 1000, dt
assert time.ticks_diff(time.ticks_add(5, -10), 5) == -10
with open(PATH + '/f.txt', 'w') as f:
    f.write('hello\n')
with open(PATH + '/f.txt') as f:
    assert f.read() == 'hello\n'
with open(PATH + '/f.bin', 'wb') as f:
    f.write(b'\x00\xff')
with open(PATH + '/f.bin', 'rb') as f:
    assert f.read() == b'\x00\xff'
os.mkdir(PATH + '/d')
assert sorted(os.listdir(PATH)) == ['d', 'f.bin', 'f.txt']
assert os.stat(PATH + '/f.txt')[6] == 6
os.remove(PATH + '/f.txt'); os.rmdir(PATH + '/d')
assert os.getcwd()
assert gc.mem_alloc() > 0 and gc.mem_free() > 0
micropython.schedule(lambda a: print('scheduled', a), 7)
for _ in range(3):  # scheduled work runs at the VM's next pending check
    pass
micropython.kbd_intr(-1); micropython.kbd_intr(3)
X = micropython.const(5)
# socket + select on loopback
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0)); srv.listen(1)
"""


def test_modules_a_board_offers(micropython, tmp_path):
    work = tmp_path / "fs"
    work.mkdir()
    code = MODULES_CHECK.replace("PATH", repr(str(work))) + "print('ok')\n"
    path = tmp_path / "check.py"
    path.write_text(code)
    r = run_script(micropython, str(path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["scheduled 7", "ok"], r.stdout


def test_socket_and_select_poll_on_loopback(micropython, tmp_path):
    # The peer is CPython: it listens, the MicroPython script connects and
    # echoes through select.poll on the socket and on stdin.
    import socket as pysocket

    listener = pysocket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    code = f"""
import socket, select, sys
s = socket.socket()
s.connect(('127.0.0.1', {port}))
p = select.poll()
p.register(s, select.POLLIN)
p.register(sys.stdin, select.POLLIN)
got = []
while len(got) < 2:
    for obj, ev in p.poll(5000):
        if obj is s:
            got.append(s.recv(100))
            p.unregister(s)
        else:
            got.append(sys.stdin.buffer.read(3))
            p.unregister(sys.stdin)
s.sendall(b'|'.join(sorted(got)))
s.close()
"""
    path = tmp_path / "sock.py"
    path.write_text(code)
    proc = subprocess.Popen([micropython, str(path)], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    listener.settimeout(10)
    conn, _ = listener.accept()
    conn.sendall(b"net")
    proc.stdin.write(b"tty")
    proc.stdin.flush()
    conn.settimeout(10)
    data = b""
    while True:
        chunk = conn.recv(100)
        if not chunk:
            break
        data += chunk
    assert proc.wait(timeout=10) == 0, proc.stderr.read()
    assert data == b"net|tty"


def test_server_socket_accepts(micropython, tmp_path):
    code = """
import socket
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
c = socket.socket()
try:
    c.connect(('127.0.0.1', 1))
except OSError as e:
    print('refused', e.errno)
"""
    path = tmp_path / "srv.py"
    path.write_text(code)
    r = run_script(micropython, str(path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("refused")


def test_exit_codes_and_uncaught_exception(micropython, tmp_path):
    for code, status, err in (
        ("raise SystemExit(3)", 3, ""),
        ("import sys\nsys.exit()", 0, ""),
        ("1/0", 1, "ZeroDivisionError"),
    ):
        path = tmp_path / "x.py"
        path.write_text(code)
        r = run_script(micropython, str(path))
        assert r.returncode == status, (code, r.returncode)
        assert err in r.stderr


def test_mpremote_uses_the_raw_repl_through_a_pty(micropython, tmp_path):
    src = tmp_path / "prog.py"
    src.write_text("print('ran', sum(range(10)))\n")
    with PtyBoard(micropython) as board:
        r = mpremote(board.path, "exec", "import sys; print(sys.platform, 6 * 7)")
        assert r.returncode == 0 and r.stdout == "linux 42\n", r
        r = mpremote(board.path, "run", str(src))
        assert r.returncode == 0 and r.stdout == "ran 45\n", r
        dest = tmp_path / "copied.py"
        r = mpremote(board.path, "cp", str(src), ":" + str(dest))
        assert r.returncode == 0, r
        assert dest.read_text() == src.read_text()
        r = mpremote(board.path, "ls", ":" + str(tmp_path))
        assert r.returncode == 0 and "copied.py" in r.stdout, r
        # Raw-paste mode: a script large enough to need flow control.
        big = tmp_path / "big.py"
        big.write_text("x = 0\n" + "x += 1\n" * 3000 + "print(x)\n")
        r = mpremote(board.path, "run", str(big))
        assert r.returncode == 0 and r.stdout == "3000\n", r
