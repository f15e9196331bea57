# A program written for the seed's debugpy, unchanged but for its port.
import sys

import debugpy

host, port = debugpy.listen(int(sys.argv[1]))
print("Debugger listening on %s:%d" % (host, port))
debugpy.debug_this_thread()
debugpy.wait_for_client()


def my_function():
    x = 10
    y = 20
    result = x + y  # BP:result
    return result


result = my_function()
print("Result:", result)
