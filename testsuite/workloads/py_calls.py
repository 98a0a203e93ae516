# py_calls.py: Python calls for run/python_alias.stp: outer() calls
# leaf() three times; leaf's return statement is two lines after the
# marker comment.
# LEAF-RETURN-IN-2
def leaf(n):
    return n * 2


def outer():
    return sum(leaf(i) for i in range(3))


print("outer=%d" % outer())
