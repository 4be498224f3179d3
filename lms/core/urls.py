"""Where the platform may send a browser after a form: only its own pages (no open redirect)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_local_target(target: str | None) -> str:
    """`target` if it is a path on this site, else the home page. Browsers read a backslash as a slash,
    so "/\\evil.example" is as foreign as "//evil.example"; control characters are refused too."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\"))
            and "\\" not in target and not any(ord(ch) < 32 for ch in target)
            and not urlsplit(target).netloc and not urlsplit(target).scheme):
        return target
    return url_for("core.home")
