"""A TCP proxy that delays every chunk by a fixed time in each direction: the database "across a
network" of issue 14, put between the api and PostgreSQL by ``just bench feed --latency-ms``.

Each direction of each connection is a reader and a writer joined by a queue: the reader stamps
every chunk it receives with ``now + delay`` and the writer sends the chunks in order, each not
before its stamp. So a request/answer round trip costs ``2 * delay`` more, while chunks that
follow each other closely are not delayed once per chunk (a pipe, not a stop-and-wait link).

Run: ``python -m tests.bench.latency_proxy LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

_CHUNK = 65_536


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def send() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError):
            writer.write_eof()

    sender = asyncio.create_task(send())
    try:
        while data := await reader.read(_CHUNK):
            queue.put_nowait((loop.time() + delay, data))
    except OSError:
        pass
    finally:
        queue.put_nowait((0.0, b""))
        with contextlib.suppress(OSError):
            await sender


async def _serve(listen_port: int, host: str, port: int, delay: float) -> None:
    async def handle(
        client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(host, port)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(
                _pump(client_reader, server_writer, delay),
                _pump(server_reader, client_writer, delay),
            )
        finally:
            for writer in (client_writer, server_writer):
                writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("listen_port", type=int)
    parser.add_argument("target_host")
    parser.add_argument("target_port", type=int)
    parser.add_argument("delay_ms", type=float)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        delay = args.delay_ms / 1000
        asyncio.run(_serve(args.listen_port, args.target_host, args.target_port, delay))


if __name__ == "__main__":
    main()
