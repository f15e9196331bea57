# Value normalisation shared by the CPython and MicroPython recorders of the
# differential test: the same value must print the same way on both.
# Keep this file valid on both interpreters (no f-strings with '=', no
# type hints, no modules beyond builtins).

FUNCTION_TYPES = ('function', 'closure', 'bound_method', 'method',
                  'builtin_function_or_method', 'builtin_function')
GENERATOR_TYPES = ('generator', 'coroutine', 'async_generator')


def _esc(s):
    return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')


def norm(v, depth=0):
    if depth > 6:
        return '...'
    t = type(v)
    tn = t.__name__
    if v is None or t is bool or t is int:
        return repr(v)
    if t is float:
        return '%.6g' % v
    if t is str:
        return _esc(repr(v))
    if t is bytes:
        return _esc(repr(v))
    if t is list:
        return '[' + ', '.join([norm(x, depth + 1) for x in v]) + ']'
    if t is tuple:
        if len(v) == 1:
            return '(' + norm(v[0], depth + 1) + ',)'
        return '(' + ', '.join([norm(x, depth + 1) for x in v]) + ')'
    if t is dict:
        items = [norm(k, depth + 1) + ': ' + norm(x, depth + 1) for k, x in v.items()]
        items.sort()
        return '{' + ', '.join(items) + '}'
    if t is set or t is frozenset:
        items = [norm(x, depth + 1) for x in v]
        items.sort()
        return tn + '(' + ', '.join(items) + ')'
    if t is range:
        return repr(v)
    if isinstance(v, BaseException):
        # Only the type: messages of built-in errors differ between the two.
        return tn + '(...)'
    if isinstance(v, type):
        return '<class ' + v.__name__ + '>'
    if tn in FUNCTION_TYPES:
        if tn in ('function', 'closure', 'bound_method', 'method'):
            try:
                return '<fn ' + v.__name__ + '>'
            except AttributeError:
                pass
        return '<fn>'
    if tn in GENERATOR_TYPES:
        return '<generator>'
    if 'iterator' in tn or tn.endswith('iter'):
        return '<iterator>'
    return '<' + tn + ' object>'
