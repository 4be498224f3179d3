"""Encryption at rest for national ID numbers (身分證字號).

The number is stored encrypted (Fernet: AES-128-CBC + HMAC) and, for look-ups and uniqueness, as a
keyed HMAC digest, so the database alone never reveals it. The key comes from NATIONAL_ID_KEY, or
is derived from SECRET_KEY when that is unset (development).
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _key_material() -> bytes:
    configured = current_app.config.get("NATIONAL_ID_KEY") or ""
    if configured:
        return configured.encode()
    return hashlib.sha256(b"national-id:" + current_app.config["SECRET_KEY"].encode()).digest()


def _fernet() -> Fernet:
    material = _key_material()
    try:
        return Fernet(material)
    except ValueError:
        # Any other string becomes a valid Fernet key through a hash, so operators can use a passphrase.
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(material).digest()))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        current_app.logger.error("a national ID could not be decrypted: wrong NATIONAL_ID_KEY?")
        return None


def digest(value: str) -> str:
    return hmac.new(_key_material(), value.encode(), hashlib.sha256).hexdigest()


def mask(value: str | None) -> str:
    if not value:
        return ""
    return value[:2] + "*" * (len(value) - 5) + value[-3:]
