def fail():
    raise ValueError()


fail()
