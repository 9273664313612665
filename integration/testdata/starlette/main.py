"""A Starlette app for the integration tests: says which server runs it."""
import sys

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def index(request):
    server = next((name for name in ("uvicorn", "hypercorn", "daphne") if name in sys.modules), "unknown")
    return PlainTextResponse(f"hello from starlette on {server}\n")


app = Starlette(routes=[Route("/", index)])
