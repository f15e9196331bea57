# Differential test, CPython side: run a corpus file under sys.settrace and
# record, at every `line` event of corpus code, the frame's fast locals and
# cell variables (not free variables), normalised by mpdbg_norm.norm.
#
#   python3 record_cpython.py CORPUS.py OUT.txt
#
# Output lines (tab-separated):
#   C seg name line firstlineno argnames freevars cellvars
#                              a `call` event (line = f_lineno); the names are
#                              comma-separated
#   L seg line [name value]*   a `line` event with the bound locals
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mpdbg_norm import norm  # noqa: E402

CO_NEWLOCALS = 0x02


def main():
    path = sys.argv[1]
    out = open(sys.argv[2], 'w')
    src = open(path).read()
    code = compile(src, path, 'exec')
    counter = [0]

    def local_tracer(seg, co):
        names = []
        if co.co_flags & CO_NEWLOCALS:
            names = list(co.co_varnames) + list(co.co_cellvars)

        def tracer(frame, event, arg):
            if event == 'line':
                fields = ['L', str(seg), str(frame.f_lineno)]
                loc = frame.f_locals
                for n in names:
                    if n in loc:
                        fields.append(n)
                        fields.append(norm(loc[n]))
                out.write('\t'.join(fields) + '\n')
            return tracer
        return tracer

    def global_tracer(frame, event, arg):
        if event != 'call' or frame.f_code.co_filename != path:
            return None
        counter[0] += 1
        seg = counter[0]
        co = frame.f_code
        nargs = co.co_argcount + co.co_kwonlyargcount
        nargs += (1 if co.co_flags & 0x04 else 0) + (1 if co.co_flags & 0x08 else 0)
        argnames = ','.join(co.co_varnames[:nargs])
        out.write('\t'.join(['C', str(seg), co.co_name, str(frame.f_lineno),
                              str(co.co_firstlineno), argnames,
                              ','.join(co.co_freevars), ','.join(co.co_cellvars)]) + '\n')
        return local_tracer(seg, co)

    g = {'__name__': '__main__'}
    sys.settrace(global_tracer)
    try:
        exec(code, g)
    finally:
        sys.settrace(None)
        out.close()


main()
