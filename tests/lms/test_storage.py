"""The storage layer: the same contract on local disk and on a real S3 endpoint (moto over HTTP)."""
from __future__ import annotations

import csv
import hashlib
import http.server
import io
import socket
import struct
import threading
import time
import urllib.error
import uuid
import urllib.request
import zipfile
import zlib
import pytest
from flask import Flask
from werkzeug.http import parse_options_header

from lms.storage import (
    FILE_KINDS,
    LocalStorage,
    S3Storage,
    StorageError,
    StorageUnavailableError,
    StoredObjectMissingError,
    UploadRejectedError,
    check_upload,
    get_storage,
    init_app,
    storage_from_config,
)
from tests.s3_server import s3_config, s3_endpoint  # noqa: F401  (fixtures)

MB = 1024 * 1024
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return storage_from_config({"STORAGE_LOCAL_ROOT": str(tmp_path / "files")})
    return storage_from_config(request.getfixturevalue("s3_config"))


@pytest.fixture
def s3_storage(s3_config):  # noqa: F811
    return storage_from_config(s3_config)


class GeneratedStream:
    """A non-seekable stream of `size` pseudo-random bytes, made chunk by chunk (never whole)."""

    def __init__(self, size: int, seed: bytes = b"seed", fail_after: int | None = None):
        self.remaining = size
        self.block = hashlib.sha256(seed).digest()
        self.sha = hashlib.sha256()
        self.served = 0
        self.fail_after = fail_after

    def read(self, size: int = -1) -> bytes:
        if self.fail_after is not None and self.served >= self.fail_after:
            raise OSError("client went away")
        n = self.remaining if size is None or size < 0 else min(size, self.remaining)
        out = bytearray()
        while len(out) < n:
            self.block = hashlib.sha256(self.block).digest()
            out += self.block
        data = bytes(out[:n])
        self.remaining -= n
        self.served += n
        self.sha.update(data)
        return data


def read_all_in_chunks(stream) -> tuple[int, str]:
    sha, total = hashlib.sha256(), 0
    with stream:
        while chunk := stream.read(64 * 1024):
            sha.update(chunk)
            total += len(chunk)
    return total, sha.hexdigest()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


# --- the contract, on both backends ------------------------------------------------------------


@pytest.mark.parametrize("size", [5 * MB, 12 * MB], ids=["5MB", "12MB-multipart"])
def test_round_trip_streams_content_intact(storage, size):
    source = GeneratedStream(size)
    key = "courses/17/materials/handout.bin"

    assert storage.save(key, source, "application/octet-stream") == size

    assert storage.exists(key)
    assert storage.size(key) == size
    assert read_all_in_chunks(storage.open(key)) == (size, source.sha.hexdigest())


def test_overwrite_replaces_content(storage):
    storage.save("a/report.txt", io.BytesIO(b"first version, longer"))
    storage.save("a/report.txt", io.BytesIO(b"second"))

    assert storage.size("a/report.txt") == 6
    with storage.open("a/report.txt") as f:
        assert f.read() == b"second"


def test_failed_save_keeps_previous_version(storage):
    storage.save("doc.bin", io.BytesIO(b"good"))

    with pytest.raises(OSError, match="client went away"):
        storage.save("doc.bin", GeneratedStream(3 * MB, fail_after=MB))

    with storage.open("doc.bin") as f:
        assert f.read() == b"good"


def test_missing_key(storage):
    assert not storage.exists("nope/missing.pdf")
    with pytest.raises(StoredObjectMissingError):
        storage.open("nope/missing.pdf")
    with pytest.raises(StoredObjectMissingError):
        storage.size("nope/missing.pdf")


def test_delete_is_idempotent(storage):
    storage.save("x/y.txt", io.BytesIO(b"bye"))

    storage.delete("x/y.txt")
    storage.delete("x/y.txt")
    storage.delete("never/existed.txt")

    assert not storage.exists("x/y.txt")
    with pytest.raises(StoredObjectMissingError):
        storage.open("x/y.txt")


def test_keys_lists_every_object_under_a_prefix_in_order(storage):
    prefix = f"keys-{uuid.uuid4().hex[:8]}/"  # the S3 bucket is shared by the module's tests
    for key in ("b/2.txt", "a/1.pdf", "a/成績單.pdf"):
        storage.save(prefix + key, io.BytesIO(b"x"))
    assert list(storage.keys(prefix)) == [prefix + "a/1.pdf", prefix + "a/成績單.pdf", prefix + "b/2.txt"]
    assert list(storage.keys(prefix + "a/")) == [prefix + "a/1.pdf", prefix + "a/成績單.pdf"]
    assert list(storage.keys(prefix + "none/")) == []


def test_empty_object(storage):
    assert storage.save("empty.txt", io.BytesIO(b"")) == 0
    assert storage.exists("empty.txt")
    assert storage.size("empty.txt") == 0


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "a/../../b", "a\\..\\b", "a\x00b", "", "a//b", "./a"])
def test_unsafe_keys_are_rejected(storage, tmp_path, key):
    for call in (
        lambda: storage.save(key, io.BytesIO(b"pwned")),
        lambda: storage.open(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
    ):
        with pytest.raises(ValueError):
            call()
    assert not (tmp_path / "x").exists() and not (tmp_path / "b").exists()


def test_ping_ok(storage):
    storage.ping()


# --- backend specifics -------------------------------------------------------------------------


def test_presigned_url_downloads_over_http(s3_storage):
    payload = b"%PDF-1.4 certificate bytes"
    s3_storage.save("certs/42.pdf", io.BytesIO(payload), "application/pdf")

    url = s3_storage.presigned_url("certs/42.pdf", expires=60, filename="結業證書 2024.pdf")

    assert url.startswith("http://127.0.0.1:") and "X-Amz-Signature=" in url
    with _direct.open(url, timeout=10) as response:
        body, headers = response.read(), response.headers
    assert body == payload
    assert headers["Content-Type"] == "application/pdf"
    disposition = parse_options_header(headers["Content-Disposition"])
    assert disposition == ("attachment", {"filename": "結業證書 2024.pdf"})


def test_local_has_no_presigned_url(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save("a.pdf", io.BytesIO(b"x"))
    assert storage.presigned_url("a.pdf", filename="a.pdf") is None


def test_s3_creates_missing_bucket_on_first_use(s3_config):  # noqa: F811
    first = storage_from_config(s3_config)
    first.save("k", io.BytesIO(b"v"))

    # A second instance (another worker) finds the bucket already there.
    second = storage_from_config(s3_config)
    assert second.exists("k")


def test_s3_unreachable_fails_fast():
    storage = storage_from_config(
        {
            "STORAGE_BACKEND": "s3",
            "STORAGE_S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
            "STORAGE_S3_BUCKET": "lms",
            "STORAGE_S3_ACCESS_KEY": "testing",
            "STORAGE_S3_SECRET_KEY": "testing",
        }
    )
    started = time.monotonic()
    with pytest.raises(StorageUnavailableError, match="cannot be reached"):
        storage.ping()
    with pytest.raises(StorageUnavailableError):
        storage.save("k", io.BytesIO(b"v"))
    assert time.monotonic() - started < 10


def test_s3_endpoint_that_is_not_s3_is_unavailable():
    class NotFoundEverywhere(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = do_GET = do_PUT = _answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFoundEverywhere)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}"
        storage = S3Storage("lms", endpoint_url=endpoint, access_key="k", secret_key="s")
        with pytest.raises(StorageUnavailableError, match="cannot be created"):
            storage.ping()
    finally:
        server.shutdown()
        server.server_close()


def test_s3_refused_request_is_unavailable():
    # moto accepts any key pair, so the 403 a real server sends for bad credentials is injected.
    endpoint = f"http://127.0.0.1:{closed_port()}"  # never contacted: the hook answers first
    storage = S3Storage("lms", endpoint_url=endpoint, access_key="k", secret_key="bad")
    storage._client.meta.events.register("before-send.s3.*", _access_denied)
    with pytest.raises(StorageUnavailableError, match="AccessDenied"):
        storage.ping()


def _access_denied(request, **_):
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **_):
            yield b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"

    return AWSResponse(request.url, 403, {"Content-Type": "application/xml"}, Raw())


def test_local_symlink_out_of_root_is_rejected(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside)
    storage = LocalStorage(root)

    with pytest.raises(ValueError):
        storage.save("link/evil.txt", io.BytesIO(b"x"))
    assert list(outside.iterdir()) == []


def test_local_save_leaves_no_temp_files(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save("d/a.txt", io.BytesIO(b"1"))
    with pytest.raises(OSError):
        storage.save("d/a.txt", GeneratedStream(2 * MB, fail_after=MB))
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["a.txt"]


def test_local_ping_fails_when_root_is_unusable(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("file in the way")
    with pytest.raises(StorageUnavailableError, match="cannot be created"):
        LocalStorage(blocker / "files").ping()


# --- configuration and Flask wiring ------------------------------------------------------------


def test_storage_from_config(tmp_path):
    local = storage_from_config({"STORAGE_LOCAL_ROOT": str(tmp_path)})
    assert isinstance(local, LocalStorage)
    assert local.describe() == f"local: {tmp_path.resolve()}"

    s3_settings = {
        "STORAGE_BACKEND": "s3",
        "STORAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "STORAGE_S3_BUCKET": "lms",
        "STORAGE_S3_ACCESS_KEY": "key",
        "STORAGE_S3_SECRET_KEY": "do-not-print",
    }
    s3 = storage_from_config(s3_settings)
    assert isinstance(s3, S3Storage)
    assert s3.describe() == "s3: http://127.0.0.1:9000/lms"

    with pytest.raises(StorageError, match="set together"):
        storage_from_config({**s3_settings, "STORAGE_S3_ACCESS_KEY": ""})

    with pytest.raises(StorageError, match="STORAGE_BACKEND"):
        storage_from_config({"STORAGE_BACKEND": "ftp"})
    with pytest.raises(StorageError, match="STORAGE_LOCAL_ROOT"):
        storage_from_config({"STORAGE_BACKEND": "local"})


def test_presign_expiry_comes_from_config():
    storage = storage_from_config(
        {
            "STORAGE_BACKEND": "s3",
            "STORAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "STORAGE_S3_BUCKET": "lms",
            "STORAGE_S3_ACCESS_KEY": "k",
            "STORAGE_S3_SECRET_KEY": "s",
            "STORAGE_S3_PRESIGN_EXPIRES": 120,
        }
    )
    assert "X-Amz-Expires=120" in storage.presigned_url("a.pdf")
    assert "X-Amz-Expires=30" in storage.presigned_url("a.pdf", expires=30)


def test_init_app_and_get_storage(tmp_path):
    app = Flask(__name__)
    app.config["STORAGE_LOCAL_ROOT"] = str(tmp_path)
    init_app(app)
    with app.app_context():
        assert get_storage() is app.extensions["storage"]
        assert isinstance(get_storage(), LocalStorage)


# --- upload checks -----------------------------------------------------------------------------


def small_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def small_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def small_zip(name: str = "imsmanifest.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "<manifest/>")
    return buffer.getvalue()


def csv_bytes(encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([["身分證字號", "姓名", "機關"], ["A123456789", "王小明", "高雄市政府"]])
    return text.getvalue().encode(encoding)


@pytest.mark.parametrize(
    "data, filename, allowed, mime",
    [
        (small_pdf(), "講義.pdf", {"pdf"}, "application/pdf"),
        (small_png(), "photo.PNG", {"png", "jpeg"}, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.jpg", {"png", "jpeg"}, "image/jpeg"),
        (small_zip(), "scorm.zip", {"zip"}, "application/zip"),
        (small_zip("xl/workbook.xml"), "roster.xlsx", {"zip", "xlsx"}, FILE_KINDS["xlsx"].mime),
        (csv_bytes("utf-8"), "roster.csv", {"csv"}, "text/csv"),
        (csv_bytes("big5"), "roster.csv", {"csv"}, "text/csv"),
    ],
)
def test_check_upload_accepts(data, filename, allowed, mime):
    stream = io.BytesIO(data)
    stream.seek(3)  # the check must not depend on where the caller left the stream
    assert check_upload(stream, filename, allowed, max_bytes=len(data)) == mime
    assert stream.tell() == 0


@pytest.mark.parametrize(
    "data, filename, allowed, reason",
    [
        (small_zip(), "report.pdf", {"pdf", "zip"}, "does not match"),
        (small_pdf(), "roster.xlsx", {"xlsx"}, "does not match"),
        (small_png(), "photo.png", {"pdf"}, "not accepted"),
        (small_pdf(), "no-extension", {"pdf"}, "not accepted"),
        (b"a,b\n1,\x002\n", "roster.csv", {"csv"}, "does not match"),
        (small_png(), "data.csv", {"csv"}, "does not match"),
        (b"", "empty.pdf", {"pdf"}, "empty"),
    ],
)
def test_check_upload_rejects(data, filename, allowed, reason):
    stream = io.BytesIO(data)
    with pytest.raises(UploadRejectedError, match=reason) as info:
        check_upload(stream, filename, allowed, max_bytes=MB)
    assert reason in info.value.reason
    assert stream.tell() == 0


def test_check_upload_size_limit():
    data = small_pdf()
    assert check_upload(io.BytesIO(data), "a.pdf", {"pdf"}, max_bytes=len(data)) == "application/pdf"
    with pytest.raises(UploadRejectedError, match="too large") as info:
        check_upload(io.BytesIO(data), "a.pdf", {"pdf"}, max_bytes=len(data) - 1)
    assert len(info.value.reason) < 60


def test_check_upload_large_csv_is_checked_in_chunks():
    # 3 MB of valid text then a NUL: the whole file is scanned, not just its head.
    data = csv_bytes("utf-8") * (3 * MB // len(csv_bytes("utf-8"))) + b"\x00"
    with pytest.raises(UploadRejectedError):
        check_upload(io.BytesIO(data), "big.csv", {"csv"}, max_bytes=10 * MB)


def test_check_upload_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown file kinds"):
        check_upload(io.BytesIO(small_pdf()), "a.pdf", {"pdf", "exe"}, max_bytes=MB)
