"""Does a PostgreSQL or a Redis answer at host:port? Spoken in their own protocols with the
standard library, so the check needs no driver and no credentials: an open port held by some
other program does not count as an answer."""

from __future__ import annotations

import socket

TIMEOUT_SECONDS = 1.0
# PostgreSQL's SSLRequest: length 8, code 80877103. Every server answers one byte, S or N.
_SSL_REQUEST = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")


def _exchange(host: str, port: int, request: bytes, size: int) -> bytes:
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as connection:
            connection.sendall(request)
            return connection.recv(size)
    except OSError:
        return b""


def postgres_answers(host: str, port: int) -> bool:
    return _exchange(host, port, _SSL_REQUEST, 1) in (b"S", b"N")


def redis_answers(host: str, port: int) -> bool:
    """``+PONG``, or an error such as ``-NOAUTH`` that only a Redis sends, is an answer."""
    reply = _exchange(host, port, b"PING\r\n", 64)
    return reply.startswith(b"+PONG") or reply.startswith(b"-NOAUTH")


def port_is_free(host: str, port: int) -> bool:
    """Nothing listens there. Connections of a server that just stopped may linger in
    TIME_WAIT on its port; the servers bind with SO_REUSEADDR, and so does this check."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
