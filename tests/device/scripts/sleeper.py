# For the terminal debugger's Ctrl-C tests: a program blocked in C (a pause
# cannot take effect until the sleep ends), so a second Ctrl-C must quit.
import time

print("sleeping")
time.sleep(60)
print("woke up")
