# What the device scripts that drive _mpdbg.filter() share: the events the
# agent's line tracer would get, the lines a script marks `# L:NAME`, and
# running a script's cases.
import sys

seen = []


def line_tracer(frame, event, arg):
    seen.append((event, frame.f_lineno, frame.f_code.co_name, arg))
    return line_tracer


def on_call(frame, event, arg):
    return None


def marked_lines(path):
    """{NAME: line} of the lines of `path` marked `# L:NAME`."""
    lines = {}
    for n, text in enumerate(open(path).read().split("\n"), 1):
        if "# L:" in text:
            lines[text.split("# L:")[1].split()[0]] = n
    return lines


def run_cases(cases, keep=None):
    """Runs each case with `seen` cleared and prints `NAME EVENTS`, the
    events `keep` keeps (all without it); no tracer stays set after it."""
    for case in cases:
        seen.clear()
        try:
            case()
        finally:
            sys.settrace(None)
        print(case.__name__, [e for e in seen if keep is None or keep(e)])
