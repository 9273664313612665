from setuptools import setup

setup(name="hello-setup", version="1.0", py_modules=["hello"], install_requires=["six"])
