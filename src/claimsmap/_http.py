"""uvicorn's httptools protocol with a cap on the size of a request's head.

llhttp, the parser under httptools, has no limit of its own on the request
line and headers, and uvicorn keeps them in memory until the head is complete:
a client could send headers without end. This protocol counts the bytes of
each request's head as they arrive and, past ``server.MAX_HEAD_BYTES``, answers
431 with the service's JSON error body and closes the connection, before the
application sees the request. The service's ASGI middleware checks the same
limit on the parsed headers, for servers other than this one. A chunk of bytes
that ends the head counts whole, with whatever follows it in the chunk (a
body, a pipelined request): the service takes GETs, which have no body.

Imported by uvicorn from its import string (``claimsmap._http:BoundedHttpTools``)
in each worker; needs ``uvicorn[standard]`` (httptools).
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from claimsmap.server import _HEAD_TOO_LARGE, MAX_HEAD_BYTES

__all__ = ["BoundedHttpTools"]

# A whole answer, that closes the connection: the rest of the head is not read.
_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/json\r\n"
    b"content-length: " + str(len(_HEAD_TOO_LARGE)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + _HEAD_TOO_LARGE
)


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering 431 to a head over the limit."""

    # Bytes of the current request's head received so far; -1 once it is whole.
    _head_bytes = 0

    def data_received(self, data: bytes) -> None:
        """Count the head's bytes before parsing them."""
        if self._head_bytes >= 0:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._head_bytes = -1
                self.transport.write(_TOO_LARGE)
                self.transport.close()
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        """The head is whole: stop counting until the next request."""
        self._head_bytes = -1
        super().on_headers_complete()

    def on_message_complete(self, *args: Any) -> None:
        """The request is whole: the next bytes begin the next request's head."""
        super().on_message_complete(*args)
        self._head_bytes = 0
