"""The oracle's feature records: what debugpy does with function breakpoints,
debug-console completions and setExpression on the example programs, saved
as fixtures/features.json for tests/e2e/test/75-features.test.js.

    python3 tests/oracle/oracle.py features      # regenerate (debugpy)
    python3 tests/oracle/features.py --mpdbg     # the same on mpdbg dap, printed
                                                 # ($MPDBG_BIN, $MPDBG_MICROPYTHON)
"""

import json
import sys

from oracle import EXAMPLES, VSCODE_INITIALIZE, Session, normalise, rel  # noqa: F401

# Function breakpoints: names as a user types them; the program runs to its end.
FUNCTION_BREAKPOINTS = [
    {"program": "hello.py", "names": ["average", "describe", "no_such_function"]},
    {"program": "classes.py", "names": ["Point.norm2"]},
]
# Completions at hello.py's BP:loop (in average): text typed, cursor at its end.
COMPLETIONS = ["tot", "val", "GREE", "values.co", "le", "pri", "Tr"]
# setExpression at BP:loop, then what evaluate shows.
SET_EXPRESSIONS = [("total", "100"), ("values[1]", "99"), ("count", "count + 5")]
EVALUATE_AFTER = ["total", "values", "count"]


def record_function_breakpoints(case, session_type=Session):
    s = session_type(case["program"])
    body = s.dap.request("setFunctionBreakpoints", {"breakpoints": [{"name": n} for n in case["names"]]})
    verified = [bool(b.get("verified")) for b in body["breakpoints"]]
    s.start()
    stops = []
    while True:
        stop = s.next_stop()
        if stop is None:
            break
        frames, _ = s.stack(stop["threadId"])
        stops.append({"reason": stop["reason"], "name": frames[0]["name"], "line": frames[0]["line"]})
        s.cont(stop["threadId"])
    code = s.finish(ended=True)
    return dict(case, verified=verified, stops=stops, exit_code=code)


def labels(body, prefix):
    out = set()
    for t in body.get("targets", []):
        label = t.get("text") or t["label"]
        # debugpy offers `label(` for callables and keywords' variants: compare names.
        label = label.rstrip("(")
        if label.startswith(prefix.split(".")[-1]):
            out.add(label)
    return sorted(out)


def record_console(session_type=Session):
    s = session_type("hello.py")
    s.set_breakpoints(["loop"])
    s.start()
    stop = s.next_stop()
    frames, _ = s.stack(stop["threadId"])
    fid = frames[0]["id"]
    completions = {}
    for text in COMPLETIONS:
        body = s.dap.request("completions", {"frameId": fid, "text": text, "column": len(text) + 1})
        completions[text] = labels(body, text)
    assigned = []
    for expr, value in SET_EXPRESSIONS:
        body = s.dap.request("setExpression", {"frameId": fid, "expression": expr, "value": value})
        assigned.append({"expression": expr, "value": value, "result": body["value"]})
    after = {e: s.dap.request("evaluate", {"frameId": fid, "expression": e, "context": "watch"})["result"]
             for e in EVALUATE_AFTER}
    s.set_breakpoints([])
    s.cont(stop["threadId"])
    s.next_stop()
    code = s.finish(ended=True)
    return {"completions": completions, "set_expression": assigned, "evaluate_after": after,
            "stdout": s.output(), "exit_code": code}


def record(session_type=Session):
    return {
        "function_breakpoints": [record_function_breakpoints(c, session_type) for c in FUNCTION_BREAKPOINTS],
        "console": record_console(session_type),
    }


class MpdbgSession(Session):
    """The same session on `mpdbg dap` ($MPDBG_BIN, $MPDBG_MICROPYTHON)."""

    def __init__(self, program, args=(), timeout=60.0):
        import os

        from dap import DapClient
        from markers import markers_of

        self.path = os.path.join(EXAMPLES, program)
        self.marks = markers_of(self.path)
        self.by_line = {line: name for name, line in self.marks.items()}
        self.dap = DapClient([os.environ["MPDBG_BIN"], "dap"], timeout=timeout)
        self.dap.request("initialize", VSCODE_INITIALIZE)
        self.launch_seq = self.dap.send("launch", {
            "program": self.path, "args": list(args), "cwd": EXAMPLES,
            "micropython": os.environ["MPDBG_MICROPYTHON"]})
        self.dap.wait_event("initialized")


if __name__ == "__main__":
    on_mpdbg = sys.argv[1:] == ["--mpdbg"]
    json.dump(record(MpdbgSession if on_mpdbg else Session), sys.stdout, indent=1, sort_keys=True)
