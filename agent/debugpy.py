# The seed's debugpy API on mpdbg: a program written for it runs unchanged,
# and mpdbg (not a DAP server on the board) debugs it. See docs/attach.md.
import mpdbg


def listen(port=5678, host="127.0.0.1", token=None):
    """Listens for a debugger; returns (host, port)."""
    return mpdbg.listen(port, host, token)


def wait_for_client():
    mpdbg.wait_for_client()


def breakpoint():
    mpdbg.breakpoint()


def is_client_connected():
    return mpdbg.is_client_connected()


def disconnect():
    mpdbg.disconnect()


def debug_this_thread():
    """Nothing to do: mpdbg traces the thread that runs the program."""
