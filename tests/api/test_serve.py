"""api/serve.py: the connections of several worker processes have Nagle's algorithm off.

With uvicorn's own `--workers` every response waited ~40 ms for the client's delayed ACK
(its socket has protocol 0, so asyncio never set TCP_NODELAY on the connections)."""

import socket

import uvicorn

from api.serve import listening_socket


def test_connections_accepted_on_the_shared_socket_have_nagle_off() -> None:
    config = uvicorn.Config("api.main:app", host="127.0.0.1", port=0, workers=2, log_level="error")
    sock = listening_socket(config)
    try:
        sock.listen(1)
        client = socket.create_connection(sock.getsockname()[:2])
        accepted, _ = sock.accept()
        try:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            accepted.close()
            client.close()
    finally:
        sock.close()


def test_uvicorns_own_socket_would_leave_nagle_on() -> None:
    """Why the module exists: what uvicorn binds, accepted as asyncio would see it."""
    config = uvicorn.Config("api.main:app", host="127.0.0.1", port=0, workers=2, log_level="error")
    sock = config.bind_socket()
    try:
        sock.listen(1)
        client = socket.create_connection(sock.getsockname()[:2])
        accepted, _ = sock.accept()
        try:
            assert accepted.proto != socket.IPPROTO_TCP  # asyncio's condition for TCP_NODELAY
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        finally:
            accepted.close()
            client.close()
    finally:
        sock.close()
