"""Creates a conda environment with py-rattler: solve the specs against the
channels, then install the solution into the prefix.

The conda sub-buildpack writes this file next to a JSON request and runs
    python -I driver.py REQUEST.json
(isolated: neither the app's files nor PYTHON* variables reach it). The
request holds:
    rattler_dir   the unpacked py-rattler wheel, put on sys.path
    channels      channel URLs, highest priority first
    specs         conda match specs, as written in the environment file
    prefix        where to create the environment
    cache_dir     py-rattler's package and repodata cache
    channel_alias the base URL for channels given by name
    platform      the conda subdir to solve for (linux-64, linux-aarch64)
    error_file    where to write the explanation of a failure

Exit status: 0 done, 2 the specs cannot be solved (the solver's
explanation is in error_file), 3 a channel could not be reached or read,
4 any other failure.
"""
import asyncio
import json
import sys
import time

EXIT_UNSOLVABLE = 2
EXIT_CHANNEL = 3
EXIT_OTHER = 4

# Words in py-rattler's messages that mean the network or the channel failed
# rather than the request.
CHANNEL_TROUBLE = (
    "error sending request", "client error", "connection refused", "connect",
    "dns error", "timed out", "failed to fetch", "repodata", "http status",
    "404", "403", "401", "500", "502", "503", "certificate", "tls",
)


def fail(request, code, message):
    with open(request["error_file"], "w", encoding="utf-8") as f:
        f.write(message)
    print(message, file=sys.stderr)
    sys.exit(code)


def classify(error):
    text = ("%s: %s" % (type(error).__name__, error)).lower()
    name = type(error).__name__.lower()
    if "fetch" in name or "gateway" in name or any(word in text for word in CHANNEL_TROUBLE):
        return EXIT_CHANNEL
    return EXIT_OTHER


async def create(request):
    from rattler import Channel, ChannelConfig, Gateway, MatchSpec, VirtualPackage, install, solve
    from rattler.exceptions import SolverError

    config = ChannelConfig(channel_alias=request["channel_alias"])
    channels = [Channel(c, config) for c in request["channels"]]
    # strict=False accepts the forms `conda env export` writes, such as
    # six=1.16.0=pyh_0, which the strict parser rejects.
    specs = [MatchSpec(s, strict=False) for s in request["specs"]]
    gateway = Gateway(cache_dir=request["cache_dir"])

    start = time.time()
    try:
        records = await solve(
            sources=channels,
            specs=specs,
            gateway=gateway,
            platforms=[request["platform"], "noarch"],
            virtual_packages=VirtualPackage.detect(),
        )
    except SolverError as e:
        fail(request, EXIT_UNSOLVABLE, str(e))
    except Exception as e:  # the channel could not be read
        fail(request, classify(e), "%s: %s" % (type(e).__name__, e))
    print("Solved in %.2fs: %d packages" % (time.time() - start, len(records)), flush=True)
    for r in sorted(records, key=lambda r: r.name.normalized):
        print("  %s %s %s" % (r.name.normalized, r.version, r.build), flush=True)

    start = time.time()
    try:
        # py-rattler 0.28.0 wants the inner objects here, not MatchSpec.
        await install(
            records,
            target_prefix=request["prefix"],
            cache_dir=request["cache_dir"],
            show_progress=False,
            requested_specs=[s._match_spec for s in specs],
        )
    except Exception as e:
        fail(request, classify(e), "%s: %s" % (type(e).__name__, e))
    print("Installed in %.2fs" % (time.time() - start), flush=True)


def main():
    if len(sys.argv) != 2:
        print("usage: driver.py REQUEST.json", file=sys.stderr)
        sys.exit(EXIT_OTHER)
    with open(sys.argv[1], encoding="utf-8") as f:
        request = json.load(f)
    sys.path.insert(0, request["rattler_dir"])
    try:
        asyncio.run(create(request))
    except SystemExit:
        raise
    except Exception as e:
        fail(request, EXIT_OTHER, "%s: %s" % (type(e).__name__, e))


if __name__ == "__main__":
    main()
