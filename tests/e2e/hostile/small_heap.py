# A program for a board-sized heap: the agent must start, stop and show
# values in it (the launch sets heapSize).
def work(n):
    squares = [i * i for i in range(n)]
    total = sum(squares)  # BP:total
    return total


for k in range(5):
    print(work(40 + k))
