# Not the agent's module: if the debugger imported this, it would say so.
print("USER FILE mpdbg_stop.py WAS IMPORTED")
raise SystemExit(99)
