"""multipart/mixed bodies of the Statements resource: reading statements with attachment parts
(hash and length checks; signatures are checked by xapi.store.signatures when the statements are
stored) and answering GETs with attachments=true."""
from __future__ import annotations

import hashlib
import json
import uuid

from flask import Response

from xapi.lrs.protocol import bad_request, json_body
from xapi.store.attachments import load_attachments

HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


def _boundary(content_type: str) -> bytes:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"').encode()
    raise bad_request("multipart/mixed needs a boundary parameter.")


def _split(body: bytes, boundary: bytes) -> list[tuple[dict, bytes]]:
    delimiter = b"--" + boundary
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise bad_request("The multipart/mixed body is not properly delimited.")
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise bad_request("A multipart part has no header/body separator.")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, content[:-2] if content.endswith(b"\r\n") else content))
    return parts


def read_multipart_statements(xreq):
    """(statements, {sha2: (content type, bytes)}) after checking every part's hash."""
    parts = _split(xreq.body, _boundary(xreq.headers.get("Content-Type", "")))
    headers, first = parts[0]
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise bad_request("The first part of a multipart/mixed request must be the application/json statements.")
    statements = json_body(type(xreq)(xreq.method, xreq.args, xreq.headers, first))
    attachments = {}
    for i, (headers, content) in enumerate(parts[1:], start=1):
        declared = headers.get("x-experience-api-hash", "").lower()
        if not declared:
            raise bad_request(f"Part {i} has no X-Experience-API-Hash header.")
        if headers.get("content-transfer-encoding", "").lower() != "binary":
            raise bad_request(f"Part {i} must have Content-Transfer-Encoding: binary.")
        declared_length = headers.get("content-length")
        if declared_length is not None and declared_length.strip() != str(len(content)):
            raise bad_request(f"Part {i} declares Content-Length {declared_length} but has {len(content)} bytes.")
        algorithm = HASHES.get(len(declared))
        if algorithm is None or algorithm(content).hexdigest() != declared:
            raise bad_request(f"Part {i}: the content does not match its SHA-2 hash {declared}.")
        attachments[declared] = (headers.get("content-type", "application/octet-stream"), content)
    return statements, attachments


def multipart_statements_response(text: str, rows) -> Response:
    wanted = []
    for row in rows:
        statement = json.loads(row.payload)
        found = list(statement.get("attachments") or ())
        if (statement.get("object") or {}).get("objectType") == "SubStatement":
            found += statement["object"].get("attachments") or ()
        wanted += [a["sha2"] for a in found]
    boundary = uuid.uuid4().hex
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), text.encode("utf-8"), b"\r\n"]
    for sha2, content_type, content in load_attachments(wanted):
        chunks += [f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                   f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(), content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return Response(b"".join(chunks), status=200, content_type=f'multipart/mixed; boundary="{boundary}"')
