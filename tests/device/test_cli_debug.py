"""`mpdbg debug`: pdb's commands at a terminal, driven through a pseudo-terminal
with real keystrokes (pexpect), on each flavour of the host MicroPython."""

import os
import re
import subprocess

import pexpect
import pytest

from conftest import REPO, UNWIND_HOOK, mpdbg_command

# `mpdbg debug --micropython PATH` starts a host interpreter; boards come
# with the serial transport.
pytestmark = pytest.mark.host_only

HELLO = os.path.join(REPO, "examples", "hello.py")
LOOP = os.path.join(REPO, "examples", "loop_forever.py")
SLEEPER = os.path.join(REPO, "tests", "device", "scripts", "sleeper.py")
PARTIAL = os.path.join(REPO, "tests", "device", "scripts", "partial_line.py")
PROMPT = "(Pdb) "
# Every wait is bounded; a failure shows what the terminal showed.
TIMEOUT = 60 * float(os.environ.get("MPDBG_TIMEOUT_SCALE", "1"))


class Terminal:
    """mpdbg debug on a pty; `cmd` types a command and returns its output."""

    def __init__(self, micropython, program, *args, colour=False):
        cmd = mpdbg_command() + ["debug", "--micropython", micropython, program, *args]
        env = dict(os.environ, TERM="xterm")
        if not colour:
            env["NO_COLOR"] = "1"
        self.child = pexpect.spawn(cmd[0], cmd[1:], cwd=REPO, env=env, encoding="utf-8", timeout=TIMEOUT)
        self.raw = ""
        self.first = self.prompt()

    def prompt(self):
        self.child.expect_exact(PROMPT)
        self.raw = self.child.before
        return plain(self.raw)

    def cmd(self, line):
        self.child.sendline(line)
        out = self.prompt()
        # Drop the echoed command line.
        return out.split("\n", 1)[1] if "\n" in out else ""

    def end(self):
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus

    def quit(self):
        self.child.sendline("q")
        assert self.end() == 0

    def finish(self, code=0):
        """The program runs to its end (already continued)."""
        self.child.expect("exited with code %d" % code)
        assert self.end() == code


def plain(text):
    """Terminal output without escape sequences and carriage returns."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")


@pytest.fixture
def term(micropython):
    made = []

    def start(program, *args, **kw):
        t = Terminal(micropython, program, *args, **kw)
        made.append(t)
        return t

    yield start
    for t in made:
        if t.child.isalive():
            t.child.terminate(force=True)


def hello_stopped_at(term, line):
    """hello.py, stopped at its first pass on `line`."""
    t = term(HELLO)
    t.cmd("b %d" % line)
    assert "(%d)" % line in t.cmd("c")
    return t


def test_break_continue_where_up_down_print_display(term):
    t = term(HELLO)
    assert "> %s(3)<module>()\n-> GREETING = \"hello\"" % HELLO in t.first
    assert t.cmd("b 10") .strip() == "Breakpoint 1 at %s:10" % HELLO
    out = t.cmd("c")
    assert "> %s(10)average()\n-> total += v" % HELLO in out
    where = t.cmd("where")
    assert where.index("(27)<module>()") < where.index("(17)describe()") < where.index("> %s(10)average()" % HELLO)
    assert t.cmd("p total").strip() == "0"
    assert t.cmd("display total").strip() == "display total: 0"
    assert "display total: 12  [old: 0]" in t.cmd("c")
    assert "> %s(17)describe()" % HELLO in t.cmd("u")
    assert t.cmd("p name").strip() == "'temperatures'"
    assert "Oldest frame" in t.cmd("u 5")
    assert "> %s(10)average()" % HELLO in t.cmd("down")
    assert t.cmd("p v").strip() == "15"
    assert t.cmd("a").strip() == "values = [12, 15, 9, 11]"
    listing = t.cmd("l")
    assert " 10 B->\t        total += v  # BP:loop" in listing
    assert "  6    \tdef average(values):" in listing
    t.quit()


def test_next_step_return_until(term):
    t = term(HELLO)
    t.cmd("b describe")
    assert "(17)describe()" in t.cmd("c")
    assert "(7)average()" in t.cmd("s")
    assert "(8)average()" in t.cmd("n")
    # until with no line: past the loop, not round it again.
    t.cmd("n")
    t.cmd("n")
    assert "(10)average()" in t.cmd("n")
    assert "(12)average()" in t.cmd("until 12")
    assert t.cmd("p count").strip() == "4"
    out = t.cmd("r")
    assert "(17)describe()" in out
    assert "(19)describe()" in t.cmd("n")
    assert t.cmd("p mean").strip() == "11.75"
    t.quit()


def test_conditions_temporary_ignored_and_refused_breakpoints(term):
    t = term(HELLO)
    assert "*** no code here: blank line" in t.cmd("b 4")
    assert "*** no code here: comment" in t.cmd("b 18")
    assert t.cmd("b 10, v == 9").strip() == "Breakpoint 1 at %s:10" % HELLO
    assert "Temporary breakpoint 2 at %s:12" % HELLO in t.cmd("tbreak 12")
    assert "Breakpoint 3 at %s:19" % HELLO in t.cmd("b hello.py:19")
    assert "(10)average()" in t.cmd("c")
    assert t.cmd("p v").strip() == "9"
    assert "Breakpoint 1 is now unconditional." in t.cmd("condition 1")
    assert "Will ignore next 1 crossing of breakpoint 1." in t.cmd("ignore 1 1")
    out = t.cmd("c")  # v == 11 is ignored; the temporary one at 12 stops and goes
    assert "Deleted breakpoint 2 at %s:12" % HELLO in out and "(12)average()" in out
    table = t.cmd("b")
    assert "1   breakpoint   keep yes   at %s:10" % HELLO in table
    assert "breakpoint already hit 2 times" in table and "\n2 " not in table
    assert "Disabled breakpoint 3 at %s:19" % HELLO in t.cmd("disable 3")
    t.child.sendline("c")
    t.finish()


def test_a_line_without_code_moves_to_the_next(term):
    t = term(LOOP)
    assert "Breakpoint 1 at %s:30 (moved from line 28" % LOOP in t.cmd("b 28")
    assert "(30)<module>()" in t.cmd("c")
    t.quit()


def test_python_statements_and_pretty_print(term):
    t = hello_stopped_at(term, 12)
    assert t.cmd("total * 2").strip() == "94"
    assert t.cmd("!total = 100").strip() == ""
    assert t.cmd("p total").strip() == "100"
    assert t.cmd("pp list(range(3))").strip() == "[0, 1, 2]"
    assert "NameError" in t.cmd("p nope")
    assert "c | cont | continue" in t.cmd("h c")
    t.child.sendline("c")
    t.child.expect_exact("temperatures: 4 values, mean 25.00")  # the new total was used
    t.finish()


def interrupt_when(t, shown):
    """Continues, waits until the program printed `shown` (so it runs, and
    the terminal is no longer the prompt's), and presses Ctrl-C."""
    t.child.sendline("c")
    t.child.expect_exact(shown)
    t.child.sendintr()
    t.child.expect_exact("Program interrupted.")


def test_ctrl_c_pauses_a_running_loop(term):
    t = term(LOOP)
    interrupt_when(t, "in the loop")
    out = t.prompt()
    assert "loop_forever.py" in out and "<module>()" in out
    assert t.cmd("p counter >= 1000").strip() == "True"
    t.cmd("!running = False")
    t.child.sendline("c")
    t.child.expect_exact("loop ended True")
    t.finish()


def test_two_ctrl_c_within_a_second_quit(term):
    t = term(SLEEPER)
    interrupt_when(t, "sleeping")
    t.child.sendintr()
    t.child.expect_exact("Quitting.")
    assert t.end() == 0


def test_ctrl_d_quits(term):
    t = term(HELLO)
    t.child.sendeof()
    assert t.end() == 0


def test_colour_on_a_terminal_plain_when_piped(micropython):
    t = Terminal(micropython, HELLO, colour=True)
    assert "> \x1b[36m%s(3)<module>()\x1b[0m" % HELLO in t.raw
    t.quit()
    cmd = mpdbg_command() + ["debug", "--micropython", micropython, HELLO]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    r = subprocess.run(cmd, cwd=REPO, input="b 12\nc\np total\nc\n", capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert "\x1b[" not in r.stdout
    assert "-> mean = total / count" in r.stdout and "\n47\n" in r.stdout.replace(PROMPT, "\n")
    assert "temperatures: 4 values, mean 11.75" in r.stdout


def test_tab_completes_names_from_the_device(term):
    t = hello_stopped_at(term, 10)
    t.child.send("p tot\t")
    t.child.expect_exact("total")
    assert t.cmd("").strip().endswith("0")
    t.child.send("p values.co\t\t")
    t.child.expect_exact("count")
    t.child.sendcontrol("u")
    t.quit()


def test_interact_and_retval(term):
    t = hello_stopped_at(term, 12)
    t.child.sendline("interact")
    t.child.expect_exact(">>> ")
    t.child.sendline("total + count")
    t.child.expect_exact("51")
    t.child.expect_exact(">>> ")
    t.child.sendeof()
    t.child.expect_exact("now exiting InteractiveConsole...")
    t.prompt()
    assert "MicroPython gives a debugger no return value" in t.cmd("retval")
    t.quit()


def test_output_without_a_newline_is_not_run_into_by_the_debugger(term):
    t = term(PARTIAL)
    t.cmd("b 3")
    out = t.cmd("c")
    assert "no newline\n> %s(3)<module>()" % PARTIAL in out, out
    t.child.sendline("c")
    t.child.expect_exact(" then more")
    t.finish()


def test_an_uncaught_exception_stops_with_its_traceback(term, features):
    t = term(os.path.join(REPO, "examples", "exception.py"))
    out = t.cmd("c")
    assert "*** Uncaught exception (the program ends when it continues): ValueError: negative value: -4" in out
    assert "(7)parse()" in out
    where = t.cmd("w")
    assert where.index("(27)<module>()") < where.index("(14)load()") < where.index("\n> ")
    if features & UNWIND_HOOK:
        # The firmware kept each frame as the exception left it.
        assert t.cmd("p value").strip() == "-4"
        t.cmd("u")
        assert t.cmd("p out").strip() == "[3]"
    else:
        assert "unwound" in t.cmd("p value")
    t.child.sendline("c")
    t.finish(1)


def test_the_terminal_is_the_running_programs_stdin(term):
    t = term(os.path.join(REPO, "tests", "e2e", "hostile", "reads_stdin.py"))
    t.child.sendline("c")
    t.child.expect_exact("name? ")
    t.child.sendline("bob")
    t.child.expect_exact("hello bob")
    t.child.sendline("more")
    t.child.expect_exact("second line: 'more\\n'")
    t.finish()
