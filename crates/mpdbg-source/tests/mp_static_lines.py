# Static line tables on the device: compile each file and walk its code
# objects depth-first through co_consts, printing co_name and the lines of
# co_lines(). Used by the differential test (and handy by hand):
#
#   micropython mp_static_lines.py FILE.py...
#
# Output: `FILE path`, then `CODE depth name line...` per code object, or
# `ERROR line type message` when the file does not compile.
import sys, io
def walk(co, depth, out):
    out.append((depth, co.co_name, [l for (s, e, l) in co.co_lines()]))
    for k in co.co_consts:
        if type(k) == type(co):
            walk(k, depth + 1, out)
for path in sys.argv[1:]:
    print('FILE', path)
    try:
        src = open(path).read()
    except Exception as e:
        print('ERROR read', type(e).__name__)
        continue
    try:
        c = compile(src, path, 'exec')
    except Exception as e:
        buf = io.StringIO()
        sys.print_exception(e, buf)
        tb = buf.getvalue()
        line = '?'
        for l in tb.split('\n'):
            if 'line ' in l:
                line = l.split('line ')[1].split(',')[0]
        print('ERROR', line, type(e).__name__, str(e))
        continue
    out = []
    walk(c, 0, out)
    for d, n, l in out:
        print('CODE', d, n, ' '.join(str(x) for x in l))
