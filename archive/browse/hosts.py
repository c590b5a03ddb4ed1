"""Host-header checking. `govarchive serve` binds 127.0.0.1, but a page on another site can point
its own DNS name at 127.0.0.1 (DNS rebinding) and then read the archive as same-origin: answering
only requests addressed to 127.0.0.1 or localhost at this server's own port closes that."""
from __future__ import annotations

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost"})


def allowed(host: str | None, server_port: int | None) -> bool:
    if not host:
        return False
    name, sep, port = host.rpartition(":")
    if not sep or not port.isdigit():
        name, port = host, ""
    wanted = server_port or 80
    return name.lower() in LOOPBACK_NAMES and (int(port) if port else 80) == wanted


def wrap(app):
    async def checked(scope, receive, send):
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            host = headers.get(b"host", b"").decode("latin-1")
            server = scope.get("server") or (None, None)
            if not allowed(host, server[1]):
                body = f"403: Host {host!r} is not this archive's address (127.0.0.1 or localhost)\n".encode()
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return checked
