"""Instruction counts for the benchmarks: a run under callgrind (Debian's
`valgrind`), which a shared or different machine reproduces where its wall
clock does not, and the marginal cost of a workload, the difference between
two sizes of it, which leaves start-up (the interpreter's, the agent's, the
debugger's attach) out of the ratio.

    count([interp, script])        instructions of one run
    Wrapper(interp)                an executable that runs `interp` under
                                   callgrind, for what starts the interpreter
                                   itself (`mpdbg dap`'s "micropython")
    sized(script, size, folder)    a copy of a workload with its timed call at
                                   another size
    marginal(counts)               instructions per unit of size from two sizes
"""

import os
import re
import shutil
import subprocess
import tempfile

VALGRIND = ["valgrind", "--tool=callgrind", "-q"]


def require_valgrind():
    if shutil.which("valgrind") is None:
        raise SystemExit("instruction counts need valgrind: apt-get install valgrind (or run with --time-only)")


def count(argv, **run_args):
    """The instructions of one run of `argv` (which must succeed)."""
    out = subprocess.run(
        VALGRIND[:2] + ["--callgrind-out-file=/dev/null"] + list(argv),
        capture_output=True,
        text=True,
        check=True,
        **run_args,
    )
    return refs(out.stderr)


def refs(stderr):
    """The instruction count callgrind prints at the end of a run."""
    m = re.search(r"refs:\s+([\d,]+)", stderr)
    if m is None:
        raise ValueError("no callgrind summary in:\n" + stderr[-2000:])
    return int(m.group(1).replace(",", ""))


class Wrapper:
    """An executable standing for `interp` that runs it under callgrind, each
    process's profile in a folder of its own; take(marker) is the count of the
    one run whose command line names `marker` (a program path: the adapter
    may run the interpreter for other things too)."""

    def __init__(self, interp):
        self.folder = tempfile.mkdtemp(prefix="mpdbg-callgrind-")
        self.path = os.path.join(self.folder, "micropython")
        out = os.path.join(self.folder, "out.%p")
        with open(self.path, "w") as f:
            f.write('#!/bin/sh\nexec %s --callgrind-out-file=%s %s "$@"\n' % (" ".join(VALGRIND), out, interp))
        os.chmod(self.path, 0o755)

    def take(self, marker):
        found = []
        for name in os.listdir(self.folder):
            if not name.startswith("out."):
                continue
            path = os.path.join(self.folder, name)
            with open(path) as f:
                cmd, total = profile_summary(f)
            os.remove(path)
            if marker in cmd:
                found.append(total)
        if len(found) != 1:
            raise RuntimeError("%d callgrind profiles name %s (one expected)" % (len(found), marker))
        return found[0]

    def count(self, session, marker, attempts=3):
        """The instructions of the run of `marker` that `session()` makes.
        A start slower than the adapter waits for (valgrind on a loaded
        machine) is tried again, up to `attempts` times in all."""
        for attempt in range(attempts):
            self.discard()
            try:
                session()
                return self.take(marker)
            except RuntimeError as e:
                if "did not start within" not in str(e) or attempt == attempts - 1:
                    raise

    def discard(self):
        for name in os.listdir(self.folder):
            if name.startswith("out."):
                os.remove(os.path.join(self.folder, name))

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def profile_summary(lines):
    """(command line, total instructions) of a callgrind profile."""
    cmd, total = "", None
    for line in lines:
        if line.startswith("cmd:"):
            cmd = line[4:].strip()
        elif line.startswith("summary:") or (total is None and line.startswith("totals:")):
            total = int(line.split()[1])
    if total is None:
        raise ValueError("a callgrind profile without totals")
    return cmd, total


# The workloads time one call, on the line after `t0 = time.ticks_us()`.
TIMED = re.compile(r"(t0 = time\.ticks_us\(\)\n\w+\()(\d+)(\))")


def timed_size(source):
    """The size of a workload's timed call."""
    m = TIMED.search(source)
    if m is None:
        raise ValueError("no timed call (the line after `t0 = time.ticks_us()`)")
    return int(m.group(2))


def resize(source, size):
    """The workload's source with its timed call at `size`."""
    timed_size(source)
    return TIMED.sub(lambda m: m.group(1) + str(size) + m.group(3), source, count=1)


def sized(script, size, folder, prefix=""):
    """A copy of the workload `script` in `folder`, its timed call at `size`
    and `prefix` before its first line; returns its path."""
    with open(script) as f:
        source = f.read()
    name = os.path.splitext(os.path.basename(script))[0]
    path = os.path.join(folder, "%s_%d.py" % (name, size))
    with open(path, "w") as f:
        f.write(prefix + resize(source, size))
    return path


def marginal(counts):
    """Instructions per unit of size from {size: instructions} of two sizes:
    what the workload's own work costs, without start-up."""
    if len(counts) != 2:
        raise ValueError("marginal cost needs two sizes, got %r" % sorted(counts))
    (small, a), (big, b) = sorted(counts.items())
    if small == big:
        raise ValueError("two different sizes needed")
    return (b - a) / (big - small)


def sizes_for(script, divisor):
    """The two sizes a workload is counted at: its timed size / `divisor`
    and twice that (callgrind runs some 50x slower than the CPU)."""
    with open(script) as f:
        small = max(1, timed_size(f.read()) // divisor)
    return small, 2 * small
