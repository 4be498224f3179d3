"""Where uploaded and generated files live: one `Storage` interface, two backends.

`LocalStorage` keeps files under a directory (the embedded setup); `S3Storage` talks to any
S3-compatible service (MinIO in the container setup, AWS in the cloud). The app only ever sees
the `Storage` API and the exceptions below, never a path or a boto3 call. `check_upload` is the
gate every user upload passes before it is stored.

Config keys (read from a Mapping, normally `app.config`):
    STORAGE_BACKEND              "local" (default) or "s3"
    STORAGE_LOCAL_ROOT           directory of the local backend
    STORAGE_S3_ENDPOINT_URL      e.g. http://minio:9000; empty = the AWS default endpoint
    STORAGE_S3_BUCKET            bucket name (created on first use if missing)
    STORAGE_S3_ACCESS_KEY / STORAGE_S3_SECRET_KEY   empty = boto3's default credential chain
    STORAGE_S3_REGION            default "us-east-1"
    STORAGE_S3_PRESIGN_EXPIRES   lifetime of download links in seconds, default 3600
    UPLOAD_MAX_BYTES             callers pass it to `check_upload` as `max_bytes`
"""
from __future__ import annotations

import abc
import codecs
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Mapping
from urllib.parse import quote

CHUNK_SIZE = 1024 * 1024


class StorageError(Exception):
    """Base of every storage failure."""


class StorageUnavailableError(StorageError):
    """The backend cannot be reached or refuses us (down, wrong endpoint, bad credentials)."""


class StoredObjectMissingError(StorageError):
    """No object is stored under the key."""


class UploadRejectedError(ValueError):
    """An upload failed `check_upload`; `reason` is a short message meant for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def validate_key(key: str) -> str:
    """Keys are relative, slash-separated names; anything that could escape a root is refused.

    Both backends apply the same rule so that objects can move between them unchanged.
    """
    if not isinstance(key, str) or not key:
        raise ValueError("storage key must be a non-empty string")
    if "\x00" in key or "\\" in key:
        raise ValueError(f"storage key contains a forbidden character: {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        # Also catches absolute paths ("/etc/passwd" starts with an empty part).
        raise ValueError(f"storage key must be a relative path without '.' or '..': {key!r}")
    return key


class Storage(abc.ABC):
    @abc.abstractmethod
    def save(self, key: str, stream: BinaryIO, content_type: str = "application/octet-stream") -> int:
        """Store `stream` under `key` (replacing any object there) in chunks; return bytes written."""

    @abc.abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the object; read it in chunks and close it."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key under `prefix`, in key order (backups walk the whole store with it)."""

    @abc.abstractmethod
    def size(self, key: str) -> int: ...

    @abc.abstractmethod
    def presigned_url(self, key: str, expires: int | None = None, filename: str | None = None) -> str | None:
        """A time-limited direct download URL, or None when the app must stream the file itself."""

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StorageUnavailableError (with a plain message) unless the backend is usable."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the files are, for logs and the admin status page (never includes secrets)."""


class LocalStorage(Storage):
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = self.root / validate_key(key)
        # The key rules already prevent "..": this also stops a symlink inside root leading out.
        if not path.resolve().is_relative_to(self.root):
            raise ValueError(f"storage key resolves outside the storage root: {key!r}")
        return path

    def save(self, key: str, stream: BinaryIO, content_type: str = "application/octet-stream") -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target then rename: readers never see a half-written file.
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
        written = 0
        try:
            with os.fdopen(fd, "wb") as tmp:
                while chunk := stream.read(CHUNK_SIZE):
                    tmp.write(chunk)
                    written += len(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return written

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise StoredObjectMissingError(f"no stored object {key!r}") from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not self.root.is_dir():
            return
        found = (p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                 if p.is_file() and not p.name.startswith(".upload-"))
        yield from sorted(k for k in found if k.startswith(prefix))

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise StoredObjectMissingError(f"no stored object {key!r}")
        return path.stat().st_size

    def presigned_url(self, key: str, expires: int | None = None, filename: str | None = None) -> None:
        validate_key(key)
        return None

    def ping(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailableError(
                f"The storage folder {self.root} cannot be created: {exc.strerror}."
            ) from exc
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageUnavailableError(f"The storage folder {self.root} is not writable.")

    def describe(self) -> str:
        return f"local: {self.root}"


def content_disposition(filename: str) -> str:
    """An attachment header that keeps non-ASCII (Chinese) names intact (RFC 6266 / 5987)."""
    fallback = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "").strip()
    return f"attachment; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{quote(filename, safe='')}"


class _CountingReader:
    """Counts what boto3 reads; hiding seek() also makes boto3 read once, in bounded chunks."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data


class S3Storage(Storage):
    _MISSING_CODES = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}
    _UNAVAILABLE_CODES = {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str = "us-east-1",
        presign_expires: int = 3600,
        connect_timeout: float = 3,
        read_timeout: float = 60,
        max_attempts: int = 2,
    ):
        import boto3
        from botocore.config import Config

        if not bucket:
            raise StorageError("S3 storage needs a bucket name (STORAGE_S3_BUCKET).")
        if bool(access_key) != bool(secret_key):
            raise StorageError("STORAGE_S3_ACCESS_KEY and STORAGE_S3_SECRET_KEY must be set together.")
        self.bucket = bucket
        self.presign_expires = presign_expires
        self._client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            region_name=region or "us-east-1",
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},  # MinIO serves buckets as paths, not subdomains
                # Short timeouts and few retries: a dead endpoint must fail a request (and the
                # health check) in seconds instead of hanging a web worker.
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"max_attempts": max_attempts, "mode": "standard"},
            ),
        )
        self._bucket_ready = False
        self._lock = threading.Lock()

    def _call(self, operation: str, key: str | None = None, *, ignore: tuple[str, ...] = (), **params):
        """Run one client call, translating botocore errors into ours; codes in `ignore` return None."""
        from botocore.exceptions import ClientError, HTTPClientError, NoCredentialsError
        from botocore.exceptions import ConnectionError as EndpointUnreachable

        if key is not None:
            params["Key"] = validate_key(key)
        try:
            return getattr(self._client, operation)(Bucket=self.bucket, **params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            if code in ignore:
                return None
            if code in self._MISSING_CODES:
                missing = f"object {key!r}" if key is not None else f"bucket {self.bucket!r}"
                raise StoredObjectMissingError(f"no stored {missing}") from None
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            detail = f"({code}) {error.get('Message', '')}".strip()
            if code in self._UNAVAILABLE_CODES or status >= 500:
                raise StorageUnavailableError(
                    f"The file storage at {self.describe()} refused the request: {detail}"
                ) from exc
            raise StorageError(f"S3 {operation} failed: {detail}") from exc
        except NoCredentialsError as exc:
            raise StorageUnavailableError("No credentials are configured for the S3 file storage.") from exc
        except (EndpointUnreachable, HTTPClientError) as exc:  # refused, DNS, TLS, timeouts
            raise StorageUnavailableError(
                f"The file storage at {self.describe()} cannot be reached: {exc}"
            ) from exc

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist yet (first use of a fresh MinIO)."""
        with self._lock:
            if self._bucket_ready:
                return
            try:
                self._call("head_bucket")
            except StoredObjectMissingError:
                region = self._client.meta.region_name
                # us-east-1 is the one region S3 refuses as an explicit location constraint.
                params = {}
                if region != "us-east-1":
                    params["CreateBucketConfiguration"] = {"LocationConstraint": region}
                try:
                    # Another worker may have won the race to create it.
                    self._call("create_bucket", ignore=("BucketAlreadyOwnedByYou",), **params)
                except StorageUnavailableError:
                    raise
                except StorageError as exc:
                    # E.g. the endpoint is some other HTTP server: nothing will work, say so.
                    raise StorageUnavailableError(
                        f"The bucket is missing at {self.describe()} and cannot be created: {exc}"
                    ) from exc
            self._bucket_ready = True

    def save(self, key: str, stream: BinaryIO, content_type: str = "application/octet-stream") -> int:
        self.ensure_bucket()
        reader = _CountingReader(stream)
        self._call("upload_fileobj", key, Fileobj=reader, ExtraArgs={"ContentType": content_type})
        return reader.count

    def open(self, key: str) -> BinaryIO:
        self.ensure_bucket()
        return self._call("get_object", key)["Body"]

    def delete(self, key: str) -> None:
        self.ensure_bucket()
        self._call("delete_object", key)

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except StoredObjectMissingError:
            return False
        return True

    def keys(self, prefix: str = "") -> Iterator[str]:
        self.ensure_bucket()
        paginator = self._client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield item["Key"]
        except Exception as exc:  # botocore errors while paging: same plain message as other calls
            raise StorageUnavailableError(f"The file storage at {self.describe()} cannot be listed: {exc}") from exc

    def size(self, key: str) -> int:
        self.ensure_bucket()
        return int(self._call("head_object", key)["ContentLength"])

    def presigned_url(self, key: str, expires: int | None = None, filename: str | None = None) -> str:
        params = {"Bucket": self.bucket, "Key": validate_key(key)}
        if filename:
            params["ResponseContentDisposition"] = content_disposition(filename)
        return self._client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires or self.presign_expires
        )

    def ping(self) -> None:
        self._bucket_ready = False  # re-check for real: the bucket may have been removed
        self.ensure_bucket()

    def describe(self) -> str:
        return f"s3: {self._client.meta.endpoint_url}/{self.bucket}"


def storage_from_config(config: Mapping) -> Storage:
    backend = str(config.get("STORAGE_BACKEND") or "local").strip().lower()
    if backend == "local":
        root = config.get("STORAGE_LOCAL_ROOT")
        if not root:
            raise StorageError("The local file storage needs a folder (STORAGE_LOCAL_ROOT).")
        return LocalStorage(root)
    if backend == "s3":
        return S3Storage(
            config.get("STORAGE_S3_BUCKET") or "",
            endpoint_url=config.get("STORAGE_S3_ENDPOINT_URL") or None,
            access_key=config.get("STORAGE_S3_ACCESS_KEY") or None,
            secret_key=config.get("STORAGE_S3_SECRET_KEY") or None,
            region=config.get("STORAGE_S3_REGION") or "us-east-1",
            presign_expires=int(config.get("STORAGE_S3_PRESIGN_EXPIRES") or 3600),
        )
    raise StorageError(f"Unknown STORAGE_BACKEND {backend!r} (use 'local' or 's3').")


def init_app(app) -> None:
    # No network here: S3 is contacted on first use, so the app starts even while MinIO boots.
    app.extensions["storage"] = storage_from_config(app.config)


def get_storage() -> Storage:
    from flask import current_app

    try:
        return current_app.extensions["storage"]
    except KeyError:
        raise RuntimeError("storage.init_app(app) has not been called") from None


# --- upload checks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    mime: str
    extensions: tuple[str, ...]
    magic: bytes | None  # None: a text format, checked by decoding instead


# Order matters: a kind that refines another (xlsx is a zip) comes first.
FILE_KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", (".pdf",), b"%PDF-"),
    "png": FileKind("image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
    "jpeg": FileKind("image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), b"PK\x03\x04"
    ),
    "zip": FileKind("application/zip", (".zip",), b"PK\x03\x04"),
    "csv": FileKind("text/csv", (".csv",), None),
}
# cp950 is the Big5 that Excel on Traditional-Chinese Windows actually writes.
TEXT_ENCODINGS = ("utf-8", "cp950")


def _is_text(stream: BinaryIO) -> bool:
    """No NUL bytes and decodes in one of TEXT_ENCODINGS; reads in chunks, never all at once."""
    for encoding in TEXT_ENCODINGS:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(CHUNK_SIZE):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{round(n / (1024 * 1024), 1):g} MB"
    if n >= 1024:
        return f"{round(n / 1024, 1):g} KB"
    return f"{n} bytes"


def check_upload(stream: BinaryIO, filename: str, allowed: Iterable[str], max_bytes: int) -> str:
    """Accept an upload or raise UploadRejectedError; return its MIME type.

    Both the extension and the content (magic bytes, or a text check for csv) must match one of
    the `allowed` kinds (keys of FILE_KINDS). `stream` must be seekable (Werkzeug's FileStorage
    stream is) and is rewound to 0 afterwards.
    """
    allowed = set(allowed)
    if unknown := allowed - FILE_KINDS.keys():
        raise ValueError(f"unknown file kinds: {sorted(unknown)}")
    try:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        if size == 0:
            raise UploadRejectedError("The file is empty.")
        if size > max_bytes:
            raise UploadRejectedError(f"The file is too large (limit {_human_size(max_bytes)}).")
        stream.seek(0)
        head = stream.read(16)
        extension = os.path.splitext(filename or "")[1].lower()
        candidates = [k for name, k in FILE_KINDS.items() if name in allowed and extension in k.extensions]
        if not candidates:
            raise UploadRejectedError("This type of file is not accepted.")
        for kind in candidates:
            matches = head.startswith(kind.magic) if kind.magic is not None else _is_text(stream)
            if matches:
                return kind.mime
        raise UploadRejectedError("The file's content does not match its type.")
    finally:
        stream.seek(0)
