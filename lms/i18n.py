"""Message catalogues: compiling each package's .po files (the .mo files are build products)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from lms.settings import PROJECT_ROOT, TRANSLATED_PACKAGES


def catalogue_paths() -> list[Path]:
    return sorted(p for package in TRANSLATED_PACKAGES
                  for p in (PROJECT_ROOT / package / "translations").glob("*/LC_MESSAGES/messages.po"))


def compile_catalogues(force: bool = False) -> list[Path]:
    """Write messages.mo beside each messages.po that is newer than its .mo; returns what was written."""
    written = []
    for po_path in catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            written.append(mo_path)
    return written
