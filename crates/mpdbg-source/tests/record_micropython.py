# Differential test, MicroPython side: run a corpus file under sys.settrace
# and record, at every `line` event of corpus code, the raw local slot values
# from the _mpdbg firmware module (in local_num order; names are added on the
# host by the source model).
#
#   micropython record_micropython.py CORPUS.py OUT.txt
#
# Output lines (tab-separated):
#   C seg name line                 a `call` event (line = f_lineno)
#   I seg n_locals n_pos n_kwonly flags argnames n_state def_line cellmask
#                                   _mpdbg.code_info, at the first line event
#   X seg lines                     the lines of f_code.co_lines(), space-separated
#   L seg line value*               a `line` event; one value per slot, '~' = unbound
#   E message                       the tracer itself failed
import sys
import _mpdbg

sys.path.insert(0, __file__.rsplit('/', 1)[0] if '/' in __file__ else '.')
from mpdbg_norm import norm  # noqa: E402

UNBOUND = _mpdbg.UNBOUND


def main():
    path = sys.argv[1]
    out = open(sys.argv[2], 'w')
    src = open(path).read()
    code = compile(src, path, 'exec')
    counter = [0]

    def local_tracer(seg):
        first = [True]

        def tracer(frame, event, arg):
            try:
                if event == 'line':
                    if first[0]:
                        first[0] = False
                        info = _mpdbg.code_info(frame)
                        fields = ['I', str(seg), str(info[0]), str(info[1]), str(info[2]),
                                  str(info[3]), ','.join(info[4]), str(info[5]), str(info[6]),
                                  str(_mpdbg.cellmask(frame))]
                        out.write('\t'.join(fields) + '\n')
                        lines = [str(l) for (s, e, l) in frame.f_code.co_lines()]
                        out.write('X\t' + str(seg) + '\t' + ' '.join(lines) + '\n')
                    fields = ['L', str(seg), str(frame.f_lineno)]
                    for v in _mpdbg.slots(frame):
                        if v is UNBOUND:
                            fields.append('~')
                        else:
                            fields.append(norm(v))
                    out.write('\t'.join(fields) + '\n')
            except Exception as e:
                out.write('E\t' + repr(e) + '\n')
            return tracer
        return tracer

    def global_tracer(frame, event, arg):
        try:
            if event != 'call' or frame.f_code.co_filename != path:
                return None
            counter[0] += 1
            seg = counter[0]
            out.write('\t'.join(['C', str(seg), frame.f_code.co_name, str(frame.f_lineno)]) + '\n')
            return local_tracer(seg)
        except Exception as e:
            out.write('E\t' + repr(e) + '\n')
            return None

    g = {'__name__': '__main__'}
    sys.settrace(global_tracer)
    try:
        exec(code, g)
    finally:
        sys.settrace(None)
        out.close()


main()
