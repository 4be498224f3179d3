"""Attachments: multipart/mixed statements with SHA-2 checked parts, fileUrl-only, signed
statements, and GET with attachments=true."""
import base64
import hashlib
import json
import uuid

BOUNDARY = "xapi-test-boundary"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def attachment_for(content: bytes, **overrides):
    attachment = {"usageType": "http://id.tincanapi.com/attachment/certificate-of-completion",
                  "display": {"zh-TW": "結業證書"}, "contentType": "text/plain", "length": len(content),
                  "sha2": hashlib.sha256(content).hexdigest()}
    attachment.update(overrides)
    return attachment


def multipart(statements, parts, *, encoding="binary"):
    body = f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{json.dumps(statements)}\r\n".encode()
    for content, content_type, sha2 in parts:
        body += (f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n"
                 f"X-Experience-API-Hash: {sha2}\r\n\r\n").encode() + content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


def post_multipart(lrs, body):
    return lrs.post("/xapi/statements", data=body,
                    headers={"Content-Type": f'multipart/mixed; boundary="{BOUNDARY}"'})


def test_attachment_round_trip(lrs, make_statement):
    content = "結業證書 No. 111-0042".encode()
    sha2 = hashlib.sha256(content).hexdigest()
    statement = make_statement(attachments=[attachment_for(content)])
    response = post_multipart(lrs, multipart(statement, [(content, "text/plain", sha2)]))
    assert response.status_code == 200, response.json
    [sid] = response.json
    plain = lrs.get(f"/xapi/statements?statementId={sid}")
    assert plain.json["attachments"][0]["sha2"] == sha2
    with_bodies = lrs.get(f"/xapi/statements?statementId={sid}&attachments=true")
    assert with_bodies.mimetype == "multipart/mixed"
    assert content in with_bodies.data and f"X-Experience-API-Hash: {sha2}".encode() in with_bodies.data
    listed = lrs.get("/xapi/statements?attachments=true")
    assert listed.mimetype == "multipart/mixed" and content in listed.data


def test_hash_mismatch_missing_part_and_extra_part_are_400(lrs, make_statement):
    content = b"certificate"
    statement = make_statement(attachments=[attachment_for(content)])
    wrong = hashlib.sha256(b"other").hexdigest()
    assert post_multipart(lrs, multipart(statement, [(content, "text/plain", wrong)])).status_code == 400
    assert post_multipart(lrs, multipart(statement, [])).status_code == 400
    assert lrs.post("/xapi/statements", json_body=statement).status_code == 400  # no part, no fileUrl
    good = (content, "text/plain", hashlib.sha256(content).hexdigest())
    extra = (b"x", "text/plain", hashlib.sha256(b"x").hexdigest())
    assert post_multipart(lrs, multipart(statement, [good, extra])).status_code == 400
    assert post_multipart(lrs, multipart(statement, [good], encoding="base64")).status_code == 400


def test_file_url_only_attachment_is_plain_json(lrs, make_statement):
    attachment = attachment_for(b"remote", fileUrl="https://files.example.gov.tw/cert.pdf")
    response = lrs.post("/xapi/statements", json_body=make_statement(attachments=[attachment]))
    assert response.status_code == 200


def _jws(payload: dict, alg="RS256") -> bytes:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")
    return ".".join([b64(json.dumps({"alg": alg}).encode()), b64(json.dumps(payload).encode()), b64(b"sig")]).encode()


def test_signed_statements(lrs, make_statement):
    statement = make_statement(id=str(uuid.uuid4()))
    signature = _jws(statement)
    signed = dict(statement, attachments=[attachment_for(signature, usageType=SIGNATURE,
                                                         contentType="application/octet-stream")])
    sha2 = hashlib.sha256(signature).hexdigest()
    assert post_multipart(lrs, multipart(signed, [(signature, "application/octet-stream", sha2)])).status_code == 200
    other = _jws(make_statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"}))
    bad = dict(make_statement(), attachments=[attachment_for(other, usageType=SIGNATURE,
                                                             contentType="application/octet-stream")])
    bad_sha2 = hashlib.sha256(other).hexdigest()
    assert post_multipart(lrs, multipart(bad, [(other, "application/octet-stream", bad_sha2)])).status_code == 400


def test_declared_length_must_match_the_part(lrs, make_statement):
    content = "結業證書 No. 111-0042".encode()
    sha2 = hashlib.sha256(content).hexdigest()
    for wrong in (len(content) - 1, len(content) + 1, 0):
        statement = make_statement(attachments=[attachment_for(content, length=wrong)])
        response = post_multipart(lrs, multipart(statement, [(content, "text/plain", sha2)]))
        assert response.status_code == 400
        assert "statement.attachments[0].length" in response.json["message"]
    # A part's own Content-Length header must be its real length too.
    statement = make_statement(attachments=[attachment_for(content)])
    body = multipart(statement, [(content, "text/plain", sha2)]).replace(
        b"Content-Transfer-Encoding: binary\r\n", f"Content-Length: {len(content) + 5}\r\n"
                                                  "Content-Transfer-Encoding: binary\r\n".encode())
    assert post_multipart(lrs, body).status_code == 400
    good = body.replace(f"Content-Length: {len(content) + 5}".encode(), f"Content-Length: {len(content)}".encode())
    assert post_multipart(lrs, good).status_code == 200


def test_file_url_attachment_with_its_part_is_length_checked_too(lrs, make_statement):
    content = b"remote and sent"
    statement = make_statement(attachments=[attachment_for(content, length=3, fileUrl="https://files.example.gov.tw/c")])
    response = post_multipart(lrs, multipart(statement, [(content, "text/plain", hashlib.sha256(content).hexdigest())]))
    assert response.status_code == 400
    without_part = make_statement(attachments=[attachment_for(content, length=3, fileUrl="https://files.example.gov.tw/c")])
    assert lrs.post("/xapi/statements", json_body=without_part).status_code == 200  # nothing to compare with
