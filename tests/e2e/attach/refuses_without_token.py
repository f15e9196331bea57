import mpdbg

try:
    mpdbg.listen(5678, "0.0.0.0")
except ValueError as e:
    print("refused:", e)
