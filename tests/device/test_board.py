"""The emulated board (`mpdbg emulate`) behaves like a board on its UART:
friendly and raw REPL, mpremote's file and run commands, Ctrl-C from the RX
interrupt, soft reset with boot.py/main.py, the modules a board offers, and
the semihosting exit."""

import os

import pytest

from conftest import REPO, mpdbg_command, mpremote
from qemuboard import QemuBoard

pytestmark = pytest.mark.skipif(bool(os.environ.get("MPDBG_NO_BOARD")), reason="MPDBG_NO_BOARD is set")


@pytest.fixture(scope="module")
def board():
    b = QemuBoard(mpdbg_command(), "debug", REPO)
    yield b
    b.close()


MODULES_CHECK = r"""
import sys, select, time, os, gc, micropython, board
assert sys.platform == 'qemu-mps2'
assert hasattr(sys.stdin, 'buffer') and hasattr(sys.stdout, 'buffer')
mpy = sys.implementation._mpy
assert mpy & 0xff == 6 and (mpy >> 10) & 15 > 0, mpy  # mpy version 6, an ARM architecture
t0 = time.ticks_ms(); time.sleep_ms(20); dt = time.ticks_diff(time.ticks_ms(), t0)
assert 15 <= dt < 1000, dt
assert time.ticks_diff(time.ticks_add(5, -10), 5) == -10
assert time.ticks_us() >= 0
os.mkdir('/d'); os.chdir('/d'); assert os.getcwd() == '/d'
with open('f.txt', 'w') as f:
    f.write('hello\n')
os.rename('f.txt', 'g.txt')
assert os.listdir() == ['g.txt'] and os.stat('g.txt')[6] == 6
with open('/d/g.txt') as f:
    assert f.read() == 'hello\n'
with open('/lib/helper.py', 'w') as f:
    f.write('VALUE = 42\n')
import helper
assert helper.VALUE == 42
os.remove('g.txt'); os.chdir('/'); os.rmdir('/d'); os.remove('/lib/helper.py')
p = select.poll(); p.register(sys.stdin, select.POLLIN)
assert p.poll(0) == []
assert 150 * 1024 < gc.mem_free() + gc.mem_alloc() <= board.heap_size()
print('ok')
"""


def test_modules_a_board_offers(board, tmp_path):
    path = tmp_path / "check.py"
    path.write_text(MODULES_CHECK)
    r = board.run(str(path))
    assert (r.returncode, r.stdout) == (0, "ok\n"), r.stderr


def test_mpremote_exec_run_cp_ls(board, tmp_path):
    src = tmp_path / "prog.py"
    src.write_text("print('ran', sum(range(10)))\n")
    r = mpremote(board.path, "exec", "import sys; print(sys.platform, 6 * 7)")
    assert r.returncode == 0 and r.stdout == "qemu-mps2 42\n", r
    r = mpremote(board.path, "run", str(src))
    assert r.returncode == 0 and r.stdout == "ran 45\n", r
    r = mpremote(board.path, "cp", str(src), ":/lib/copied.py", "+", "ls", ":/lib")
    assert r.returncode == 0 and "copied.py" in r.stdout, r
    r = mpremote(board.path, "exec", "import copied")
    assert r.returncode == 0 and r.stdout == "ran 45\n", r
    big = tmp_path / "big.py"  # raw-paste mode with flow control
    big.write_text("x = 0\n" + "x += 1\n" * 3000 + "print(x)\n")
    r = mpremote(board.path, "run", str(big))
    assert r.returncode == 0 and r.stdout == "3000\n", r
    mpremote(board.path, "rm", ":/lib/copied.py")


def test_ctrl_c_interrupts_a_loop_that_makes_no_calls(board):
    board.raw_repl()
    board.write(b"\x02")  # friendly REPL
    board.read_until(b">>> ")
    # Ctrl-C only once the loop runs (bytes that came before are input).
    board.write(b"if print('spinning') is None:\r while True: pass\r\r")
    board.read_until(b"spinning\r\n")
    board.write(b"\x03")
    tail = board.read_until(b">>> ", timeout=10)
    assert b"KeyboardInterrupt" in tail, tail


def test_soft_reset_runs_boot_py_then_main_py(board):
    board.raw_repl()
    board.exec_raw(
        "f = open('/boot.py', 'w'); f.write('print(\"boot ran\")\\n'); f.close()\n"
        "f = open('/main.py', 'w'); f.write('print(\"main ran\")\\n'); f.close()"
    )
    board.write(b"\x02")
    board.read_until(b">>> ")
    board.write(b"\x04")  # Ctrl-D in the friendly REPL
    after = board.read_until(b">>> ", timeout=20)
    board.raw_repl()
    board.exec_raw("import os; os.remove('/boot.py'); os.remove('/main.py')")
    assert b"boot ran" in after and b"main ran" in after, after
    assert after.index(b"boot ran") < after.index(b"main ran"), after


def test_semihosting_exit_ends_qemu_with_the_status():
    b = QemuBoard(mpdbg_command(), "debug", REPO)
    try:
        b.raw_repl()
        b.write(b"import board; board.exit(7)\x04")  # QEMU may end before its "OK" is read
        assert b.proc.wait(timeout=30) == 7  # `mpdbg emulate` returns QEMU's status
    finally:
        b.close()


POLL_STDIN = r"""
import select, sys
p = select.poll()
p.register(sys.stdin, select.POLLIN)
print('waiting', p.poll(0))
ready = p.poll(10000)  # the UART's RX interrupt ends the wait (WFI)
print('ready', ready == [(sys.stdin, select.POLLIN)], sys.stdin.buffer.read(3))
"""


def test_select_poll_waits_for_the_uart(board, tmp_path):
    path = tmp_path / "poll.py"
    path.write_text(POLL_STDIN)
    proc = board.popen(str(path))
    assert proc.stdout.readline() == b"waiting []\n"
    proc.stdin.write(b"tty")
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, out) == (0, b"ready True b'tty'\n"), err


def gdb_packet(sock, command):
    """One exchange of gdb's remote serial protocol; returns the reply's data."""
    checksum = sum(command.encode()) & 0xFF
    sock.sendall(b"$%s#%02x" % (command.encode(), checksum))
    reply = b""
    while not (b"$" in reply and b"#" in reply[reply.index(b"$") :] and len(reply) >= reply.rindex(b"#") + 3):
        chunk = sock.recv(4096)
        assert chunk, "QEMU's gdb stub closed the connection"
        reply += chunk
    sock.sendall(b"+")
    start = reply.index(b"$") + 1
    return reply[start : reply.index(b"#", start)].decode()


def test_gdb_stub_on_loopback_halts_the_board_and_reads_its_registers(free_port):
    import socket

    b = QemuBoard(mpdbg_command(), "debug", REPO, ["--gdb", str(free_port)])
    try:
        with socket.create_connection(("127.0.0.1", free_port), timeout=10) as sock:
            assert gdb_packet(sock, "?")[0] in "ST"  # halted: a stop reply
            registers = gdb_packet(sock, "g")  # r0-r15 (little-endian hex), then more
            pc = int.from_bytes(bytes.fromhex(registers[15 * 8 : 16 * 8]), "little")
            assert pc < 0x400000, hex(pc)  # in the firmware's code (SSRAM1)
            gdb_packet(sock, "D")  # detach: the board runs on
        b.raw_repl()
        assert b.exec_raw("print(6 * 7)") == b"42\r\n"
    finally:
        b.close()
