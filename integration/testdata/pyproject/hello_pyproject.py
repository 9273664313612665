def greet():
    return "hello from pyproject.toml"
