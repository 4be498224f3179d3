"""Message catalogues: compiling each package's .po files (the .mo files are build products).

A package may keep several .po files in one LC_MESSAGES folder (one per sub-domain, so teams do not
edit the same file); they are merged into the single messages.mo that Flask-Babel loads.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from lms.settings import PROJECT_ROOT, TRANSLATED_PACKAGES


def message_folders() -> list[Path]:
    return sorted({p.parent for package in TRANSLATED_PACKAGES
                   for p in (PROJECT_ROOT / package / "translations").glob("*/LC_MESSAGES/*.po")})


def read_catalogue(folder: Path) -> Catalog:
    """Every .po of one folder merged; the first translation of a message wins."""
    merged = Catalog(locale=folder.parent.name)
    for po_path in sorted(folder.glob("*.po")):
        with po_path.open("rb") as po_file:
            for message in read_po(po_file):
                if message.id and message.string and not message.fuzzy and message.id not in merged:
                    merged.add(message.id, message.string)
    return merged


def compile_catalogues(force: bool = False) -> list[Path]:
    """Write messages.mo in each folder whose .po files are newer; returns what was written."""
    written = []
    for folder in message_folders():
        mo_path = folder / "messages.mo"
        newest = max(p.stat().st_mtime for p in folder.glob("*.po"))
        if force or not mo_path.exists() or mo_path.stat().st_mtime < newest:
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, read_catalogue(folder))
            written.append(mo_path)
    return written
