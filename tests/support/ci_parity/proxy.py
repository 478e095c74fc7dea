"""The way out of a parity run's network namespace, for package installs only.

The job runs in its own network namespace (its loopback has the services on their declared
ports, and nothing of this machine's), so ``pip install`` and ``apt-get`` need a door: an HTTP
proxy (CONNECT for HTTPS, absolute-URI requests for plain HTTP) that listens on a Unix socket
outside the namespace, and a bridge inside it from ``127.0.0.1:PORT`` to that socket (a Unix
socket is a file, so it crosses network namespaces). Only pip (``PIP_PROXY``) and the
``apt-get`` shim are pointed at it: the tests' own traffic stays on the namespace's loopback.

    python -m tests.support.ci_parity.proxy serve SOCKET
    python -m tests.support.ci_parity.proxy bridge PORT SOCKET
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from urllib.parse import urlsplit


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, RuntimeError):
            writer.close()


async def _splice(
    a_reader: asyncio.StreamReader,
    a_writer: asyncio.StreamWriter,
    b_reader: asyncio.StreamReader,
    b_writer: asyncio.StreamWriter,
) -> None:
    await asyncio.gather(_pipe(a_reader, b_writer), _pipe(b_reader, a_writer))


async def _handle_proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        writer.close()
        return
    request_line, _, rest = head.partition(b"\r\n")
    try:
        method, target, version = request_line.decode("latin-1").split(" ", 2)
    except ValueError:
        writer.close()
        return
    try:
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
        else:
            url = urlsplit(target)
            if url.scheme != "http" or not url.hostname:
                raise ValueError(f"not a proxy request: {target}")
            up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
            path = url.path or "/"
            if url.query:
                path += "?" + url.query
            up_writer.write(f"{method} {path} {version}\r\n".encode("latin-1") + rest)
            await up_writer.drain()
    except (OSError, ValueError) as exc:
        writer.write(f"HTTP/1.1 502 Bad Gateway\r\n\r\n{exc}\r\n".encode())
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()
        return
    await _splice(reader, writer, up_reader, up_writer)


async def _handle_bridge(
    socket_path: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        up_reader, up_writer = await asyncio.open_unix_connection(socket_path)
    except OSError:
        writer.close()
        return
    await _splice(reader, writer, up_reader, up_writer)


async def serve(socket_path: str) -> None:
    server = await asyncio.start_unix_server(_handle_proxy, path=socket_path)
    async with server:
        await server.serve_forever()


async def bridge(port: int, socket_path: str) -> None:
    server = await asyncio.start_server(
        lambda r, w: _handle_bridge(socket_path, r, w), host="127.0.0.1", port=port
    )
    async with server:
        await server.serve_forever()


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"] and len(argv) == 2:
        asyncio.run(serve(argv[1]))
    elif argv[:1] == ["bridge"] and len(argv) == 3:
        asyncio.run(bridge(int(argv[1]), argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
