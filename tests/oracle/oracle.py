#!/usr/bin/env python3
"""The CPython oracle: what VS Code's Python debugger (debugpy) shows.

For every example program in examples/, runs it under debugpy's own debug
adapter (`python -m debugpy.adapter`, spoken to over stdio exactly as VS Code
does) with a breakpoint on every line marked `# BP:name`, and records at the
first HITS hits of each marker: the stack (function names, lines) and the
local variables (name, value string, type, whether expandable, and the first
level of children of expandable values). It also records the uncaught
exception stop of exception.py, the step scenarios of scenarios.json (where
next / stepIn / stepOut land), function breakpoints, completions and
setExpression (features.py), and the exact stdout bytes of output.py.

Results go to tests/oracle/fixtures/<program>.json (and output.py.stdout).
They are deterministic: object addresses are masked, reference numbers are
reduced to "expandable", paths are made relative to the repository.

    python3 tests/oracle/oracle.py            # regenerate every fixture
    python3 tests/oracle/oracle.py --check    # regenerate in a temporary
                                              # directory and compare
    python3 tests/oracle/oracle.py hello.py   # just one program

Needs debugpy (tests/oracle/requirements.txt).
"""

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EXAMPLES = os.path.join(REPO, "examples")
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, HERE)

from dap import DapClient, DapError  # noqa: E402
from markers import markers_of  # noqa: E402

HITS = 3  # hits recorded per marker
MAX_CHILDREN = 40  # children recorded per expandable local
GROUPS = ("special variables", "function variables", "class variables", "protected variables")
# Builtin types whose children's groups (their methods and dunders) are noise.
BUILTIN_TYPES = ("list", "tuple", "dict", "set", "frozenset", "str", "bytes", "bytearray")

# Programs, their arguments, and what the oracle asks of them. Programs whose
# breakpoints would never let them finish (loop_forever) get a marker subset.
PROGRAMS = {
    "hello.py": {},
    "recursion.py": {},
    "generators.py": {},
    "yields.py": {},
    "closures.py": {},
    "classes.py": {},
    "containers.py": {},
    "exception.py": {"exception_filters": ["uncaught"]},
    "output.py": {},
    "args.py": {"args": ["one", "two words", "\u00fcn\u00efc\u00f8de"]},
    # Stops at the first hits of the loop markers, then clears them and
    # ends the loop by setting the global `running` to False.
    "loop_forever.py": {"loop_program": True},
}

VSCODE_INITIALIZE = {
    "clientID": "vscode",
    "clientName": "Visual Studio Code",
    "adapterID": "python",
    "pathFormat": "path",
    "linesStartAt1": True,
    "columnsStartAt1": True,
    "supportsVariableType": True,
    "supportsVariablePaging": True,
    "supportsRunInTerminalRequest": False,
    "locale": "en",
}

_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")
_STDLIB = os.path.dirname(os.__file__)


def normalise(value):
    """Masks object addresses and this machine's paths so values are deterministic."""
    return _ADDRESS.sub("0x…", value).replace(_STDLIB, "<stdlib>").replace(REPO, "<repo>")


def rel(path):
    if path and os.path.isabs(path):
        return os.path.relpath(path, REPO)
    return path


class Session:
    """One debugpy session over one program."""

    def __init__(self, program, args=(), timeout=60.0):
        self.path = os.path.join(EXAMPLES, program)
        self.marks = markers_of(self.path)
        self.by_line = {line: name for name, line in self.marks.items()}
        env = dict(os.environ, PYTHONHASHSEED="0", PYDEVD_DISABLE_FILE_VALIDATION="1")
        self.dap = DapClient(
            [sys.executable, "-Xfrozen_modules=off", "-m", "debugpy.adapter"],
            env=env,
            timeout=timeout,
        )
        self.dap.request("initialize", VSCODE_INITIALIZE)
        self.launch_seq = self.dap.send(
            "launch",
            {
                "type": "python",
                "request": "launch",
                "name": "oracle",
                "program": self.path,
                "args": list(args),
                "cwd": EXAMPLES,
                "console": "internalConsole",
                "justMyCode": True,
                "env": {"PYTHONHASHSEED": "0"},
                "python": [sys.executable, "-Xfrozen_modules=off"],
            },
        )
        self.dap.wait_event("initialized")

    def set_breakpoints(self, names):
        lines = [self.marks[n] for n in names]
        body = self.dap.request(
            "setBreakpoints",
            {"source": {"path": self.path}, "breakpoints": [{"line": ln} for ln in lines]},
        )
        return body["breakpoints"]

    def start(self, exception_filters=()):
        self.dap.request("setExceptionBreakpoints", {"filters": list(exception_filters)})
        self.dap.request("configurationDone")
        self.dap.wait_response(self.launch_seq)

    def next_stop(self):
        """The next 'stopped' event body, or None when the program ended."""
        ev = self.dap.wait_event(("stopped", "terminated"))
        return ev["body"] if ev["event"] == "stopped" else None

    def stack(self, thread_id):
        body = self.dap.request("stackTrace", {"threadId": thread_id})
        frames = [
            {
                "name": f["name"],
                "line": f["line"],
                "path": rel(f.get("source", {}).get("path")),
                "marker": self.by_line.get(f["line"])
                if f.get("source", {}).get("path") == self.path
                else None,
                "id": f["id"],
            }
            for f in body["stackFrames"]
        ]
        return frames, body.get("totalFrames", len(frames))

    def variables(self, ref):
        return self.dap.request("variables", {"variablesReference": ref})["variables"]

    def describe(self, var, depth):
        out = {
            "name": var["name"],
            "value": normalise(var.get("value", "")),
            "type": var.get("type", ""),
            "expandable": var.get("variablesReference", 0) > 0,
        }
        if out["expandable"] and depth > 0 and out["type"] != "module":
            children, groups = [], {}
            for child in self.variables(var["variablesReference"]):
                if child["name"] in GROUPS:
                    groups[child["name"]] = sorted(
                        c["name"] for c in self.variables(child["variablesReference"])
                    )
                elif len(children) < MAX_CHILDREN:
                    children.append(self.describe(child, depth - 1))
            if out["type"] in ("set", "frozenset"):
                # debugpy names set items by id(): not deterministic.
                for c in children:
                    if c["name"] != "len()":
                        c["name"] = ""
                children.sort(key=lambda c: c["value"])
            out["children"] = children
            if groups and out["type"] not in BUILTIN_TYPES:
                out["groups"] = groups
        return out

    def scope_vars(self, frame_id):
        scopes = self.dap.request("scopes", {"frameId": frame_id})["scopes"]
        result = {}
        for scope in scopes:
            top, groups = [], {}
            for var in self.variables(scope["variablesReference"]):
                if var["name"] in GROUPS:
                    groups[var["name"]] = sorted(
                        c["name"] for c in self.variables(var["variablesReference"])
                    )
                elif scope["name"] == "Locals":
                    top.append(self.describe(var, depth=1))
                else:
                    top.append({"name": var["name"], "value": normalise(var["value"]),
                                "type": var.get("type", "")})
            result[scope["name"]] = {"variables": top, "groups": groups}
        return [s["name"] for s in scopes], result

    def snapshot(self, thread_id):
        frames, total = self.stack(thread_id)
        scope_names, scopes = self.scope_vars(frames[0]["id"])
        locals_ = scopes.get("Locals", {"variables": [], "groups": {}})
        globals_ = scopes.get("Globals", {"variables": [], "groups": {}})
        return {
            "stack": [{k: f[k] for k in ("name", "line", "path", "marker")} for f in frames],
            "totalFrames": total,
            "scopes": scope_names,
            "locals": locals_["variables"],
            "locals_groups": locals_["groups"],
            "globals": sorted(v["name"] for v in globals_["variables"]),
            "globals_groups": globals_["groups"],
        }

    def frame_locals(self, frame_id):
        """{name: value} of a frame's Locals, groups left out."""
        scopes = self.dap.request("scopes", {"frameId": frame_id})["scopes"]
        loc = [s for s in scopes if s["name"] == "Locals"]
        out = {}
        for var in self.variables(loc[0]["variablesReference"]) if loc else ():
            if var["name"] not in GROUPS:
                out[var["name"]] = normalise(var["value"])
        return out

    def scalar_locals(self, thread_id):
        frames, total = self.stack(thread_id)
        scopes = self.dap.request("scopes", {"frameId": frames[0]["id"]})["scopes"]
        loc = [s for s in scopes if s["name"] == "Locals"]
        values, names = {}, []
        if loc:
            for var in self.variables(loc[0]["variablesReference"]):
                if var["name"] in GROUPS:
                    continue
                names.append(var["name"])
                if not var.get("variablesReference"):
                    values[var["name"]] = normalise(var["value"])
        return frames, total, {"values": values, "names": sorted(names)}

    def cont(self, thread_id):
        self.dap.request("continue", {"threadId": thread_id})

    def finish(self, ended=True):
        """Disconnects; returns the exit code from the 'exited' event, if any.

        `ended`: the program has run to its end (so 'exited' was sent)."""
        code = None
        if ended:
            ev = self.dap.wait_event(("exited",), timeout=10)
            code = ev["body"]["exitCode"]
        try:
            self.dap.request("disconnect", {"terminateDebuggee": True}, timeout=10)
        except Exception:
            pass
        self.dap.close()
        return code

    def output(self, category="stdout"):
        return "".join(
            e["body"]["output"]
            for e in self.dap.events
            if e["event"] == "output" and e["body"].get("category") == category
        )


def record_breakpoints(program, spec):
    s = Session(program, spec.get("args", ()))
    markers = sorted(s.marks, key=lambda n: s.marks[n])
    verify = s.set_breakpoints(markers)
    result = {
        "program": "examples/" + program,
        "args": spec.get("args", []),
        "markers": {n: s.marks[n] for n in markers},
        "verified": {n: {"verified": b["verified"], "line": b.get("line")}
                     for n, b in zip(markers, verify)},
        "hits": {},
        "stop_order": [],
    }
    active = list(markers)
    counts = {}
    s.start(spec.get("exception_filters", ()))
    loop_ended_by_oracle = False
    while True:
        stop = s.next_stop()
        if stop is None:
            break
        tid = stop["threadId"]
        if stop["reason"] == "exception":
            frames, total = s.stack(tid)
            info = s.dap.request("exceptionInfo", {"threadId": tid})
            details = info.get("details", {})
            result["exception"] = {
                "stopped": {k: stop.get(k) for k in ("reason", "description", "text")},
                "exceptionInfo": {
                    "exceptionId": info.get("exceptionId"),
                    "description": info.get("description"),
                    "breakMode": info.get("breakMode"),
                    "typeName": details.get("typeName"),
                    "message": details.get("message"),
                    "stackTrace": normalise(details.get("stackTrace", "")),
                },
                "stack": [{k: f[k] for k in ("name", "line", "path", "marker")} for f in frames],
                "totalFrames": total,
                # Each frame's locals (scalars by value, containers by repr).
                "frame_locals": [s.frame_locals(f["id"]) for f in frames],
            }
            s.cont(tid)
            continue
        snap = s.snapshot(tid)
        marker = snap["stack"][0]["marker"]
        counts[marker] = counts.get(marker, 0) + 1
        result["stop_order"].append(marker)
        snap["reason"] = stop["reason"]
        snap["hit"] = counts[marker]
        result["hits"].setdefault(marker, []).append(snap)
        if counts[marker] >= HITS and marker in active:
            active.remove(marker)
            s.set_breakpoints(active)
        if spec.get("loop_program") and marker in ("loop_check", "spin_check"):
            # Stop the endless loop the way the e2e test does: set the global.
            active = [m for m in active if m not in ("loop_body", "loop_check")]
            s.set_breakpoints(active)
            globals_ref = [
                sc for sc in s.dap.request(
                    "scopes", {"frameId": s.stack(tid)[0][0]["id"]})["scopes"]
                if sc["name"] == "Globals"][0]["variablesReference"]
            s.dap.request("setVariable", {"variablesReference": globals_ref,
                                          "name": "running", "value": "False"})
            loop_ended_by_oracle = True
        s.cont(tid)
    result["stdout"] = s.output("stdout") if program != "output.py" else None
    result["exit_code"] = s.finish()
    if spec.get("loop_program"):
        result["loop_ended_by_setting_running"] = loop_ended_by_oracle
    return result


def record_scenario(sc):
    """Runs one step scenario: run to a marker, clear breakpoints, step."""
    program = sc["program"]
    s = Session(program, sc.get("args", ()))
    s.set_breakpoints([sc["start"]])
    s.start()
    hit = 0
    stop = None
    while hit < sc.get("hit", 1):
        stop = s.next_stop()
        assert stop is not None, "%s: never reached %s" % (sc["name"], sc["start"])
        hit += 1
    tid = stop["threadId"]
    s.set_breakpoints([])
    frames, total, values = s.scalar_locals(tid)
    steps = [{"action": "start", "reason": stop["reason"], "name": frames[0]["name"],
              "line": frames[0]["line"], "marker": frames[0]["marker"],
              "depth": total, "locals": values["values"],
              "local_names": values["names"]}]
    for action in sc["actions"]:
        s.dap.request(action, {"threadId": tid})
        stop = s.next_stop()
        if stop is None:
            steps.append({"action": action, "terminated": True})
            s.finish(ended=True)
            return dict(sc, steps=steps)
        tid = stop["threadId"]
        frames, total, values = s.scalar_locals(tid)
        steps.append({"action": action, "reason": stop["reason"], "name": frames[0]["name"],
                      "line": frames[0]["line"], "marker": frames[0]["marker"],
                      "depth": total, "locals": values["values"],
                      "local_names": values["names"]})
    s.finish(ended=False)
    return dict(sc, steps=steps)


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


def generate(outdir, only=None):
    import debugpy

    os.makedirs(outdir, exist_ok=True)
    about = {
        "generator": "tests/oracle/oracle.py",
        "debugpy": debugpy.__version__,
        "python": "%d.%d" % sys.version_info[:2],
        "hits_per_marker": HITS,
    }
    for program, spec in PROGRAMS.items():
        if only and program not in only:
            continue
        print("oracle:", program, file=sys.stderr)
        data = record_breakpoints(program, spec)
        data["about"] = about
        write_json(os.path.join(outdir, program + ".json"), data)
    if not only or "output.py" in only:
        raw = subprocess.run(
            [sys.executable, os.path.join(EXAMPLES, "output.py")],
            cwd=EXAMPLES, capture_output=True, check=True, timeout=60,
        ).stdout
        with open(os.path.join(outdir, "output.py.stdout"), "wb") as f:
            f.write(raw)
    with open(os.path.join(HERE, "scenarios.json"), encoding="utf-8") as f:
        scenarios = json.load(f)["scenarios"]
    if not only or "features" in only:
        import features

        print("oracle: features", file=sys.stderr)
        write_json(os.path.join(outdir, "features.json"), dict(features.record(), about=about))
    if not only or "scenarios" in only:
        results = []
        for sc in scenarios:
            print("oracle: scenario", sc["name"], file=sys.stderr)
            results.append(record_scenario(sc))
        write_json(os.path.join(outdir, "scenarios.json"),
                   {"about": about, "scenarios": results})


def check():
    """Regenerates into a temporary directory; compares with the committed."""
    tmp = tempfile.mkdtemp(prefix="mpdbg-oracle-")
    try:
        generate(tmp)
        ours = sorted(os.listdir(tmp))
        theirs = sorted(f for f in os.listdir(FIXTURES) if not f.startswith("."))
        problems = []
        if ours != theirs:
            problems.append("file sets differ: generated %s, committed %s" % (ours, theirs))
        for name in ours:
            committed = os.path.join(FIXTURES, name)
            if os.path.exists(committed) and not filecmp.cmp(
                    os.path.join(tmp, name), committed, shallow=False):
                problems.append("%s differs (diff -u %s %s)" % (
                    name, committed, os.path.join(tmp, name)))
        if problems:
            print("oracle fixtures are stale:\n  " + "\n  ".join(problems), file=sys.stderr)
            print("kept the fresh output in", tmp, file=sys.stderr)
            return 1
        print("oracle fixtures are up to date (%d files)" % len(ours))
        shutil.rmtree(tmp)
        return 0
    except BaseException:
        print("fresh output (partial) in", tmp, file=sys.stderr)
        raise


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="regenerate in a temporary directory and compare")
    ap.add_argument("--out", default=FIXTURES, help="output directory")
    ap.add_argument("only", nargs="*",
                    help="program file names (or 'scenarios', 'features') to regenerate")
    a = ap.parse_args()
    if a.check:
        sys.exit(check())
    generate(a.out, set(a.only) or None)


if __name__ == "__main__":
    main()
