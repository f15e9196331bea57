# For the terminal debugger: output without a newline, then a stop.
print("no newline", end="")
x = 1
print(" then more")
