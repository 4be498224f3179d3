"""Backup and restore of a whole installation: every table of the database and every stored file.

A backup is one tar file:
    manifest.json            format, schema revision, creation time, row count per table, file count
    tables/<table>.jsonl     one JSON object per row (dates as ISO 8601, binary as base64)
    files/<storage key>      every object of the file storage, byte for byte

It is database-neutral (a SQLite installation restores into PostgreSQL and back) and streams: rows are
read in chunks and files are copied straight from the storage into the archive, so neither a large table
nor a large upload is ever held in memory. Restore needs an installation at the same schema revision
(`flask db upgrade` first) and writes everything in one transaction: it succeeds or leaves the database
as it was.
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext

from lms.extensions import db
from lms.storage import get_storage

FORMAT = "lms-backup/1"
CHUNK_ROWS = 1000
Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why in plain words."""


@dataclass
class Summary:
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _tables() -> list[sa.Table]:
    # Parents before children, so a restore never inserts a row before the row it points to. Tables marked
    # info={"backup": False} hold state the database keeps itself (data_stamps: the restore's own writes
    # give them new values, so every web process drops what it cached before).
    return [table for table in db.metadata.sorted_tables if table.info.get("backup", True)]


def _schema_revision(connection) -> list[str]:
    return sorted(MigrationContext.configure(connection).get_current_heads())


def _encode(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _python_type(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):  # e.g. the aware datetimes of lms.db.TZDateTime
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _decoder(column: sa.Column) -> Callable[[Any], Any]:
    kind = _python_type(column)
    if kind is dt.datetime:
        return dt.datetime.fromisoformat
    if kind is dt.date:
        return dt.date.fromisoformat
    if kind is dt.time:
        return dt.time.fromisoformat
    if kind is decimal.Decimal:
        return decimal.Decimal
    if kind is bytes:
        return base64.b64decode
    return lambda value: value


def _add_bytes(archive: tarfile.TarFile, name: str, stream, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(dt.datetime.now().timestamp())
    archive.addfile(info, stream)


def write_backup(output, progress: Progress = lambda _: None) -> Summary:
    """Write the installation to `output` (a path or a binary file object)."""
    summary = Summary()
    storage = get_storage()
    connection = db.session.connection()
    revision = _schema_revision(connection)
    with tarfile.open(**_target(output, "w")) as archive:
        for table in _tables():
            count = 0
            with tempfile.TemporaryFile() as rows:
                result = connection.execute(sa.select(table).order_by(*table.primary_key.columns)
                                            .execution_options(yield_per=CHUNK_ROWS))
                for row in result.mappings():
                    rows.write(json.dumps(dict(row), default=_encode, ensure_ascii=False).encode() + b"\n")
                    count += 1
                size = rows.tell()
                rows.seek(0)
                _add_bytes(archive, f"tables/{table.name}.jsonl", rows, size)
            summary.tables[table.name] = count
            progress(f"table {table.name}: {count} rows")
        for key in storage.keys():
            size = storage.size(key)
            with storage.open(key) as stream:
                _add_bytes(archive, f"files/{key}", stream, size)
            summary.files += 1
            summary.file_bytes += size
            progress(f"file {key}")
        manifest = {"format": FORMAT, "schema_revision": revision,
                    "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                    "database": connection.dialect.name, "tables": summary.tables,
                    "files": summary.files, "file_bytes": summary.file_bytes}
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        _add_bytes(archive, "manifest.json", io.BytesIO(data), len(data))
    return summary


def _target(path_or_file, mode: str) -> dict:
    """tarfile arguments: a file object as is; a path ending in .gz or .tgz is written compressed."""
    if hasattr(path_or_file, "read") or hasattr(path_or_file, "write"):
        return {"fileobj": path_or_file, "mode": mode}
    if mode == "w" and str(path_or_file).endswith((".gz", ".tgz")):
        mode = "w:gz"
    return {"name": str(path_or_file), "mode": mode}


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, json.JSONDecodeError) as exc:
        raise BackupError("This file is not a backup of the platform (manifest.json is missing or broken).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}; this version reads {FORMAT}.")
    return manifest


def _rows(archive: tarfile.TarFile, table: sa.Table) -> Iterator[list[dict]]:
    member = archive.extractfile(f"tables/{table.name}.jsonl")
    decoders = {c.name: _decoder(c) for c in table.columns}
    chunk: list[dict] = []
    for line in member:
        raw = json.loads(line)
        unknown = set(raw) - set(decoders)
        if unknown:
            raise BackupError(f"Table {table.name} in the backup has columns this version lacks: {sorted(unknown)}")
        chunk.append({name: (None if value is None else decoders[name](value)) for name, value in raw.items()})
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reset_sequences(connection) -> None:
    """PostgreSQL: the next id of each table continues after the restored rows."""
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and _python_type(column) is int
                                                and len(table.primary_key.columns) == 1):
                sequence = connection.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                              {"t": table.name, "c": column.name}).scalar()
                if sequence:
                    connection.execute(sa.text(
                        f"SELECT setval(:s, COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"),
                        {"s": sequence})


def occupied(connection) -> bool:
    """Whether the installation already has people in it (a restore would overwrite real data)."""
    from lms.auth.models import User
    from lms.people.models import Employee

    return any(connection.execute(sa.select(sa.func.count()).select_from(model)).scalar()
               for model in (User, Employee))


def restore_backup(source, *, replace: bool = False, progress: Progress = lambda _: None) -> Summary:
    """Load a backup into this installation in one transaction (the caller commits) and copy its files
    into the storage. Refuses an installation with people in it unless `replace` is set."""
    summary = Summary()
    storage = get_storage()
    connection = db.session.connection()
    with tarfile.open(**_target(source, "r")) as archive:
        manifest = _read_manifest(archive)
        here = _schema_revision(connection)
        if manifest["schema_revision"] != here:
            raise BackupError(f"The backup was made at schema revision {', '.join(manifest['schema_revision'])}; "
                              f"this installation is at {', '.join(here) or 'no revision'}. "
                              "Bring it to the same revision (flask db upgrade) first.")
        if occupied(connection) and not replace:
            raise BackupError("This installation already has users or staff. Restore into an empty "
                              "installation, or pass --replace to overwrite everything in it.")
        tables = _tables()
        missing = set(manifest["tables"]) - {t.name for t in tables}
        if missing:
            raise BackupError(f"The backup has tables this version does not know: {sorted(missing)}")
        for table in reversed(tables):  # children first
            connection.execute(table.delete())
        for table in tables:
            if table.name not in manifest["tables"]:
                continue
            count = 0
            for chunk in _rows(archive, table):
                connection.execute(table.insert(), chunk)
                count += len(chunk)
            if count != manifest["tables"][table.name]:
                raise BackupError(f"Table {table.name}: the backup lists {manifest['tables'][table.name]} rows "
                                  f"but holds {count}; the file is damaged.")
            summary.tables[table.name] = count
            progress(f"table {table.name}: {count} rows")
        _reset_sequences(connection)
        for member in archive:
            if not member.isfile() or not member.name.startswith("files/"):
                continue
            key = member.name.removeprefix("files/")
            summary.file_bytes += storage.save(key, archive.extractfile(member))
            summary.files += 1
            progress(f"file {key}")
        if summary.files != manifest["files"]:
            raise BackupError(f"The backup lists {manifest['files']} files but holds {summary.files}; "
                              "the file is damaged.")
    return summary
