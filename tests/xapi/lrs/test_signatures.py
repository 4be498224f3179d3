"""Signed statements (xAPI 1.0.3 Data 2.6): JWS signature attachments are decoded, matched to the
statement and, when they carry an x5c certificate chain, verified with its key; malformed -> 400."""
import base64
import datetime
import hashlib
import json
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.xapi.lrs.test_attachments import multipart, post_multipart

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _certificate(subject: str, key, issuer_name: str | None = None, issuer_key=None) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name or subject)]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .sign(issuer_key or key, hashes.SHA256()))


@pytest.fixture(scope="module")
def keys():
    """A CA, a signer issued by it, and an unrelated key (RSA generation is slow: once per module)."""
    ca_key, signer_key, other_key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3))
    ca = _certificate("Training Centre CA", ca_key)
    return {"ca_key": ca_key, "ca": ca, "signer_key": signer_key, "other_key": other_key,
            "signer": _certificate("Exam system", signer_key, "Training Centre CA", ca_key),
            "other": _certificate("Someone else", other_key)}


def _der(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def sign(payload: dict, key, *, alg="RS256", chain=(), header_extra=None) -> bytes:
    header = {"alg": alg, **({"x5c": [_der(c) for c in chain]} if chain else {}), **(header_extra or {})}
    signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(payload).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), HASHES.get(alg, hashes.SHA256)())
    return f"{signing_input}.{_b64url(signature)}".encode()


def signature_attachment(token: bytes, **overrides) -> dict:
    attachment = {"usageType": SIGNATURE, "display": {"en-US": "Signature"}, "contentType": "application/octet-stream",
                  "length": len(token), "sha2": hashlib.sha256(token).hexdigest()}
    attachment.update(overrides)
    return attachment


def post_signed(lrs, statement: dict, token: bytes, **overrides):
    signed = dict(statement, attachments=[signature_attachment(token, **overrides)])
    part = (token, "application/octet-stream", hashlib.sha256(token).hexdigest())
    return post_multipart(lrs, multipart(signed, [part]))


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signature_verified_with_the_x5c_chain_is_stored(lrs, make_statement, keys, alg):
    statement = make_statement(id=str(uuid.uuid4()))
    token = sign(statement, keys["signer_key"], alg=alg, chain=[keys["signer"], keys["ca"]])
    response = post_signed(lrs, statement, token)
    assert response.status_code == 200, response.json
    stored = lrs.get(f"/xapi/statements?statementId={statement['id']}").json
    assert stored["attachments"][0]["usageType"] == SIGNATURE


def test_signature_by_another_key_than_the_certificate_is_400(lrs, make_statement, keys):
    statement = make_statement()
    token = sign(statement, keys["other_key"], chain=[keys["signer"]])
    response = post_signed(lrs, statement, token)
    assert response.status_code == 400
    assert "does not verify" in response.json["message"]


def test_broken_certificate_chain_is_400(lrs, make_statement, keys):
    statement = make_statement()
    token = sign(statement, keys["signer_key"], chain=[keys["signer"], keys["other"]])
    response = post_signed(lrs, statement, token)
    assert response.status_code == 400 and "chain" in response.json["message"]


def test_payload_must_be_the_statement(lrs, make_statement, keys):
    statement = make_statement()
    other = make_statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    response = post_signed(lrs, statement, sign(other, keys["signer_key"], chain=[keys["signer"]]))
    assert response.status_code == 400 and "not the statement" in response.json["message"]
    # A verb id differing only in case is another verb (IRIs are case-sensitive).
    upper = make_statement(verb={"id": "http://adlnet.gov/expapi/verbs/COMPLETED"})
    assert post_signed(lrs, statement, sign(upper, keys["signer_key"])).status_code == 400


def test_differences_the_lrs_could_cause_are_ignored(lrs, make_statement, keys):
    """Signed before the id, version and timestamp were filled in, and with a single context activity
    that the LRS returns as an array: still the same statement."""
    signed_form = make_statement(context={"contextActivities": {"parent": {"id": "https://lms.example.gov.tw/run/1"}}})
    sent = dict(signed_form, id=str(uuid.uuid4()))
    response = post_signed(lrs, sent, sign(signed_form, keys["signer_key"], chain=[keys["signer"]]))
    assert response.status_code == 200, response.json
    stored = lrs.get(f"/xapi/statements?statementId={sent['id']}").json
    assert stored["context"]["contextActivities"]["parent"] == [{"id": "https://lms.example.gov.tw/run/1"}]


def test_without_x5c_a_well_formed_signature_is_accepted(lrs, make_statement, keys):
    statement = make_statement()
    assert post_signed(lrs, statement, sign(statement, keys["other_key"])).status_code == 200


@pytest.mark.parametrize("token", [
    b"not a jws",
    b"a.b",
    b"eyJhbGciOiJSUzI1NiJ9.!!!.c2ln",
    ("." .join([_b64url(b'{"alg":"RS256"}'), _b64url(b"[1, 2]"), _b64url(b"sig")])).encode(),
    ("." .join([_b64url(b"not json"), _b64url(b"{}"), _b64url(b"sig")])).encode(),
    ("." .join([_b64url(b'{"alg":"RS256"}'), _b64url(b"{}"), ""])).encode(),
])
def test_malformed_jws_is_400(lrs, make_statement, token):
    response = post_signed(lrs, make_statement(), token)
    assert response.status_code == 400
    assert "malformed signature" in response.json["message"]


@pytest.mark.parametrize("alg", ["HS256", "none", "ES256", "rs256"])
def test_only_rs256_384_512_are_accepted(lrs, make_statement, keys, alg):
    statement = make_statement()
    response = post_signed(lrs, statement, sign(statement, keys["signer_key"], alg=alg))
    assert response.status_code == 400 and "RS256, RS384 or RS512" in response.json["message"]


def test_unreadable_x5c_is_400(lrs, make_statement, keys):
    statement = make_statement()
    token = sign(statement, keys["signer_key"], header_extra={"x5c": ["bm90IGEgY2VydA=="]})
    assert post_signed(lrs, statement, token).status_code == 400


def test_signature_attachment_rules(lrs, make_statement, keys):
    statement = make_statement()
    token = sign(statement, keys["signer_key"])
    # The wrong content type for a signature.
    assert post_signed(lrs, statement, token, contentType="text/plain").status_code == 400
    # A signature only referred to by fileUrl cannot be checked: it must come with the statement.
    remote = dict(statement, attachments=[signature_attachment(token, fileUrl="https://files.example.gov.tw/sig")])
    response = lrs.post("/xapi/statements", json_body=remote)
    assert response.status_code == 400 and "must be sent with the statement" in response.json["message"]


def test_a_refused_signed_batch_stores_nothing(lrs, make_statement, keys):
    good = make_statement(id=str(uuid.uuid4()))
    bad = make_statement(id=str(uuid.uuid4()))
    good_token, bad_token = sign(good, keys["signer_key"]), sign(good, keys["signer_key"])  # bad signs `good`
    body = multipart([dict(good, attachments=[signature_attachment(good_token)]),
                      dict(bad, attachments=[signature_attachment(bad_token)])],
                     [(good_token, "application/octet-stream", hashlib.sha256(good_token).hexdigest())])
    assert post_multipart(lrs, body).status_code == 400
    assert lrs.get(f"/xapi/statements?statementId={good['id']}").status_code == 404
