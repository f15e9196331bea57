"""Line markers in the example programs: a trailing `# BP:name` comment.

The same rule is implemented in tests/e2e/lib/markers.js; both must agree:
a marker is `# BP:` followed by a name of letters, digits and underscores,
anywhere after code on the line. Names are unique within a file.
"""

import re

MARKER = re.compile(r"#\s*BP:([A-Za-z0-9_]+)")


def markers_of(path):
    """{name: 1-based line} for every marker in the file."""
    marks = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            for name in MARKER.findall(line):
                if name in marks:
                    raise ValueError("%s: marker %s twice (lines %d and %d)"
                                     % (path, name, marks[name], lineno))
                marks[name] = lineno
    return marks
