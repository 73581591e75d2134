"""Serve the app as `make run` does: uvicorn, several worker processes on one listening socket.

`python -m api.serve --host 127.0.0.1 --port 8000 --workers 2`

Why not `uvicorn --workers N`: with several workers uvicorn binds the socket itself as
`socket(AF_INET)`, whose protocol number is 0, and asyncio turns Nagle's algorithm off
(TCP_NODELAY) only on connections whose protocol is IPPROTO_TCP. Every response that goes out
in two writes then waits for the client's delayed ACK: about 40 ms on every request, whatever
the request costs (measured: /healthz 454 req/s at p50 44 ms with two workers against 4,080 req/s
at 4.7 ms with one). Here the listening socket gets TCP_NODELAY, which connections accepted on
it inherit (Linux), so each worker answers as fast as a single process does.
"""

import argparse
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "api.main:app"


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """uvicorn's own bound socket, with Nagle's algorithm off for every connection it accepts."""
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def main(argv: list[str] | None = None) -> None:
    """Parse the few options `make run` and the benchmark use, then serve."""
    parser = argparse.ArgumentParser(prog="python -m api.serve", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args(argv)
    config = uvicorn.Config(
        APP,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=not args.no_access_log,
    )
    if config.workers <= 1:
        uvicorn.Server(config).run()  # one process: asyncio's own socket already has it
        return
    Multiprocess(config, sockets=[listening_socket(config)]).run()


if __name__ == "__main__":
    main()
