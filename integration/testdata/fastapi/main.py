"""A FastAPI app for the integration tests: answers with where its server came from."""
import os
import sys

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index():
    import uvicorn

    return {
        "asgi": True,
        "uid": os.getuid(),
        "uvicorn_file": uvicorn.__file__,
        "gunicorn": "gunicorn" in sys.modules,
    }
