"""Signed statements (xAPI 1.0.3 Data 2.6): the JWS signature attachment of a statement.

A signature is an attachment with usageType .../attachments/signature and contentType
application/octet-stream whose body (a part of the multipart request) is a JWS in compact
serialisation: header.payload.signature, base64url without padding. The LRS MUST reject a
statement with a malformed signature (400); this module checks

- the attachment's content type and that its body came with the request;
- that the three segments decode, the header and payload are JSON objects, the signature is not empty;
- that the header's alg is RS256, RS384 or RS512 (an RSA PKCS#1 v1.5 signature over SHA-2);
- that the payload is the statement received, compared by xapi.store.comparison (differences the
  LRS could have caused, such as an id it assigned, do not count);
- when the header carries an X.509 chain (x5c), that the signature verifies with the public key of
  its first certificate and that each certificate of the chain is issued by the next one.

Without x5c there is no key to verify with: the spec makes x5c a SHOULD and says an accepted
signature is no proof of authenticity, so such a signature is only checked for form. Certificate
validity dates are not checked: a statement signed with a certificate valid at the time stays
evidence after the certificate expires.
"""
from __future__ import annotations

import base64
import binascii
import json
import re

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from xapi.store.comparison import statements_equivalent
from xapi.validation.statements import SIGNATURE_USAGE

SIGNATURE_CONTENT_TYPE = "application/octet-stream"
ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9_-]*$")


class SignatureError(ValueError):
    """Why a JWS is malformed or does not fit its statement (the 400 message)."""


def _b64url(segment: str, what: str) -> bytes:
    if not _SEGMENT_RE.match(segment) or len(segment) % 4 == 1:
        raise SignatureError(f"the JWS {what} is not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _json_object(raw: bytes, what: str) -> dict:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise SignatureError(f"the JWS {what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise SignatureError(f"the JWS {what} must be a JSON object")
    return value


def _certificates(x5c) -> list[x509.Certificate]:
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise SignatureError("the JWS header's x5c must be a non-empty array of base64 certificates")
    try:
        return [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in x5c]
    except (ValueError, binascii.Error):
        raise SignatureError("the JWS header's x5c holds a certificate that cannot be read (DER, base64)") from None


def _verify_with_chain(chain: list[x509.Certificate], alg: str, signing_input: bytes, signature: bytes) -> None:
    key = chain[0].public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError(f"{alg} needs an RSA key, and the x5c certificate's key is not one")
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), ALGORITHMS[alg]())
    except InvalidSignature:
        raise SignatureError("the JWS signature does not verify with the public key of its x5c certificate") from None
    for cert, issuer in zip(chain, chain[1:]):
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            raise SignatureError("the x5c certificate chain is broken: a certificate is not issued by the next one") \
                from None


def verify_jws(token: bytes, statement: dict) -> dict:
    """The JWS header when `token` is a well-formed signature of `statement`; SignatureError otherwise."""
    try:
        text = token.decode("ascii").strip()
    except UnicodeDecodeError:
        raise SignatureError("the signature is not a JWS in compact serialization (ASCII)") from None
    segments = text.split(".")
    if len(segments) != 3:
        raise SignatureError("the signature is not a JWS in compact serialization (header.payload.signature)")
    header = _json_object(_b64url(segments[0], "header"), "header")
    payload = _json_object(_b64url(segments[1], "payload"), "payload")
    signature = _b64url(segments[2], "signature")
    if not signature:
        raise SignatureError("the JWS signature is empty")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise SignatureError(f"the JWS algorithm must be RS256, RS384 or RS512, not {alg!r}")
    if "x5c" in header:
        signing_input = f"{segments[0]}.{segments[1]}".encode("ascii")
        _verify_with_chain(_certificates(header["x5c"]), alg, signing_input, signature)
    if not statements_equivalent(payload, statement):
        raise SignatureError("the signed payload is not the statement it is attached to")
    return header


def signature_errors(statements: list[dict], parts: dict, path_of) -> list[tuple[str, str]]:
    """(path, message) for every malformed signature; `parts` maps sha2 -> (content type, bytes),
    `path_of(i)` names statement i in messages."""
    errors = []
    for i, statement in enumerate(statements):
        for j, attachment in enumerate(statement.get("attachments") or ()):
            if attachment.get("usageType") != SIGNATURE_USAGE:
                continue
            where = f"{path_of(i)}.attachments[{j}]"
            if attachment.get("contentType") != SIGNATURE_CONTENT_TYPE:
                errors.append((f"{where}.contentType", f"a signature must have contentType {SIGNATURE_CONTENT_TYPE}"))
                continue
            part = parts.get(attachment["sha2"].lower())
            if part is None:
                errors.append((where, "a signature must be sent with the statement, as a part of a multipart/mixed "
                                      "request"))
                continue
            try:
                verify_jws(part[1], statement)
            except SignatureError as exc:
                errors.append((where, f"malformed signature: {exc}"))
    return errors
