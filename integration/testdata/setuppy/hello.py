def greet():
    return "hello from setup.py"
