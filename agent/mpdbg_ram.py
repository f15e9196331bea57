# mpdbg agent: its loader when nothing may be written to the board
# ("writeFlash": false). The host sends each agent module's source, compiled
# on the board into `code`; this makes a module of it, in RAM, whenever the
# agent's _load imports one (mpdbg_stop at every stop: it is dropped while the
# program runs, as from a folder). The host starts the agent with run().
import sys

code = {}  # module name -> (its code, its board path in the agent's folder)


class _Module:
    # An agent module with no file behind it: its globals are its
    # attributes, and __dict__.clear() empties them, as a module's.
    def __init__(self, d):
        self.__dict__ = d

    def __getattr__(self, name):
        d = self.__dict__
        if name in d:
            return d[name]
        if "__getattr__" in d:
            return d["__getattr__"](name)  # mpdbg's API, loaded on use
        raise AttributeError(name)


def _load(name, *extra):
    # The agent's `__import__`: its own modules from `code`, others as ever.
    c = code.get(name)
    if c is None:
        return __import__(name, *extra)
    d = {"__name__": name, "__file__": c[1], "__import__": _load}
    exec(c[0], d)
    m = sys.modules[name] = _Module(d)
    return m


def run(path, args, source):
    m = _load("mpdbg")
    # Never made again (unlike the stop-time modules): its functions hold
    # what they need of its code.
    del code["mpdbg"]
    return m.run(path, args, source)
