# A program whose folder holds files named like the agent's modules.
total = 0
for i in range(3):
    total += i  # BP:loop
print("total", total)
