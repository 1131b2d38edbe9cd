"""Reading a batch file in a child process under an address-space limit.

Batches run in a thread of the web process (or in `medpause batches run`): a workbook that
needs gigabytes to read would take the server with it. So the file is read by a child process
(multiprocessing, `spawn`: a fresh interpreter, nothing of Django's state shared) that sets
RLIMIT_AS to MEDPAUSE_BATCH_MEMORY_MB before it reads, and hands the rows back in chunks. A
MemoryError, or a child that dies, is the same clean refusal of the file
(`unreadable_file.memory`) as any other file problem."""

from __future__ import annotations

import io
import multiprocessing
from collections.abc import Iterator

from medpause.batches.reader import FileError, Row, open_rows

_SEND = 500  # rows per message
MEMORY_REFUSAL = ("unreadable_file", "unreadable_file.memory")


def _limit_memory(memory_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def _cap(value, max_cell: int):
    """A text cell longer than the cap travels cut just past it: the row still fails as too long."""
    return value[: max_cell + 1] if isinstance(value, str) and len(value) > max_cell else value


def _read(conn, data: bytes, file_format: str, options: dict, memory_bytes: int, max_cell: int) -> None:
    """The child: limit its own memory, read the file, send the rows, then `done` or the error."""
    try:
        if memory_bytes:
            _limit_memory(memory_bytes)
        chunk: list[tuple] = []
        with open_rows(io.BytesIO(data), file_format, **options) as rows:
            del data
            for row in rows:
                chunk.append((row.number, {k: _cap(v, max_cell) for k, v in row.cells.items()}, row.extra))
                if len(chunk) >= _SEND:
                    conn.send(("rows", chunk))
                    chunk = []
        if chunk:
            conn.send(("rows", chunk))
        conn.send(("done",))
    except FileError as exc:
        conn.send(("error", exc.code, exc.key, exc.params, exc.row))
    except MemoryError:
        chunk = []
        conn.send(("error", *MEMORY_REFUSAL, {}, None))
    finally:
        conn.close()


def isolated_rows(
    data: bytes, file_format: str, *, memory_mb: int, max_cell: int = 1000, **options,
) -> Iterator[Row]:
    """The rows of a batch file (reader.open_rows with `options`), read by a child process
    limited to `memory_mb` MiB of address space (0: no limit). Raises FileError like open_rows."""
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_read, args=(sender, data, file_format, options, memory_mb * 1024 * 1024, max_cell),
        name="medpause-batch-reader",
    )
    child.start()
    sender.close()  # the child holds the only writing end: its death ends the stream
    try:
        while True:
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                raise FileError(*MEMORY_REFUSAL) from None  # the child died (killed, out of memory)
            if message[0] == "rows":
                for number, cells, extra in message[1]:
                    yield Row(number, cells, extra)
            elif message[0] == "done":
                return
            else:
                raise FileError(*message[1:3], params=message[3], row=message[4])
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
