"""Content packages: checking an uploaded zip (structure, sizes, paths, zip bombs), reading its course
structure (cmi5.xml, tincan.xml, or a plain HTML/video package) and unpacking it file by file into
object storage. Nothing here touches the database: services.py decides what to keep.

The zip is read from the (spooled, seekable) upload stream; each member is streamed through a reader
that stops as soon as it yields more than the size its header declared, so a lying header or a
highly compressed member cannot fill the disk or the memory.
"""
from __future__ import annotations

import mimetypes
import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import urlsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from flask_babel import gettext as _

from lms.errors import ValidationFailed
from lms.storage import Storage

KIND_CMI5, KIND_TINCAN, KIND_HTML = "cmi5", "tincan", "html"
MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")
CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
TINCAN_NS = "http://projecttincan.com/tincan.xsd"
HTML_ENTRY = "index.html"
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    package_bytes: int = 20 * MiB         # the uploaded zip (services pass UPLOAD_MAX_BYTES)
    total_bytes: int = 500 * MiB          # all members unpacked
    file_bytes: int = 200 * MiB           # one member unpacked
    entries: int = 5000
    ratio: int = 100                      # unpacked / packed size of one member above RATIO_FLOOR
    ratio_floor: int = MiB                # small members compress as they like


@dataclass(frozen=True)
class AuSpec:
    publisher_id: str
    title_zh: str
    title_en: str
    url: str
    launch_method: str = "AnyWindow"
    move_on: str = "NotApplicable"
    mastery_score: float | None = None
    launch_parameters: str = ""


@dataclass
class PackageSpec:
    kind: str
    course_id: str = ""            # the publisher's course id (cmi5) or activity id (Tin Can)
    title_zh: str = ""
    title_en: str = ""
    aus: list[AuSpec] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    total_bytes: int = 0


def _fail(message: str, field_name: str = "package"):
    raise ValidationFailed([(field_name, message)])


def check_member_name(name: str) -> str | None:
    """Why a member name is unsafe, or None. Directory entries end with '/' and are allowed."""
    if not name or "\x00" in name or "\\" in name:
        return _("%(name)s: the name contains a forbidden character.", name=name.replace("\x00", "?"))
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return _("%(name)s: absolute paths are not allowed.", name=name)
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return _("%(name)s: the path leaves the package or is not normalised.", name=name)
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def open_zip(stream: BinaryIO, limits: Limits) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The archive and its file members, after every check that the central directory allows."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        _fail(_("The file is not a readable zip archive."))
    infos = archive.infolist()
    if len(infos) > limits.entries:
        _fail(_("The package has %(n)d entries; at most %(limit)d are allowed.", n=len(infos), limit=limits.entries))
    errors, seen, total = [], set(), 0
    files = []
    for info in infos:
        if problem := check_member_name(info.filename):
            errors.append(("package", problem))
            continue
        if _is_symlink(info):
            errors.append(("package", _("%(name)s: symbolic links are not allowed.", name=info.filename)))
            continue
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            errors.append(("package", _("%(name)s: encrypted members are not allowed.", name=info.filename)))
            continue
        if info.filename.lower() in seen:
            errors.append(("package", _("%(name)s: the name appears twice.", name=info.filename)))
            continue
        seen.add(info.filename.lower())
        if info.file_size > limits.file_bytes:
            errors.append(("package", _("%(name)s is too large unpacked (limit %(limit)d MB).",
                                        name=info.filename, limit=limits.file_bytes // MiB)))
        elif (info.file_size > limits.ratio_floor
              and info.file_size > limits.ratio * max(info.compress_size, 1)):
            errors.append(("package", _("%(name)s is compressed suspiciously well (a zip bomb?).",
                                        name=info.filename)))
        total += info.file_size
        files.append(info)
    if total > limits.total_bytes:
        errors.append(("package", _("The package is %(size)d MB unpacked; the limit is %(limit)d MB.",
                                    size=total // MiB, limit=limits.total_bytes // MiB)))
    if errors:
        raise ValidationFailed(errors)
    return archive, files


class _BoundedReader:
    """Reads one member, failing once it yields more than its declared size."""

    def __init__(self, stream: BinaryIO, info: zipfile.ZipInfo):
        self._stream, self._info, self.count = stream, info, 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size if size and size > 0 else 64 * 1024)
        self.count += len(data)
        if self.count > self._info.file_size:
            _fail(_("%(name)s unpacks to more than its declared size.", name=self._info.filename))
        return data


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = 2 * MiB) -> bytes:
    if info.file_size > limit:
        _fail(_("%(name)s is too large for a manifest.", name=info.filename))
    with archive.open(info) as member:
        reader = _BoundedReader(member, info)
        chunks = []
        while chunk := reader.read():
            chunks.append(chunk)
        return b"".join(chunks)


def _parse_xml(data: bytes, name: str):
    try:
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        _fail(_("%(name)s is not valid XML: %(error)s", name=name, error=str(exc)[:200]))


def _texts(element, ns: str, tag: str) -> tuple[str, str]:
    """(zh, en) from <tag><langstring lang=..>; the first string stands in for a missing language."""
    found = element.find(f"{{{ns}}}{tag}") if element is not None else None
    strings = {}
    for item in (found if found is not None else []):
        lang = (item.get("lang") or "").lower()
        strings.setdefault("zh" if lang.startswith("zh") else "en" if lang.startswith("en") else lang,
                           (item.text or "").strip())
    first = next(iter(strings.values()), "")
    return strings.get("zh") or first, strings.get("en") or ""


def _check_url(url: str, files: set[str], where: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    if parts.scheme or parts.netloc:
        return _("%(where)s: the url must be a path in the package or an http(s) address.", where=where)
    path = posixpath.normpath(parts.path)
    if path.startswith("../") or path.startswith("/") or path not in files:
        return _("%(where)s: %(url)s is not a file of the package.", where=where, url=url)
    return None


def read_cmi5(data: bytes, files: set[str]) -> PackageSpec:
    root = _parse_xml(data, "cmi5.xml")
    ns = CMI5_NS
    if root.tag != f"{{{ns}}}courseStructure":
        _fail(_("cmi5.xml must have a courseStructure root in the cmi5 namespace."))
    course = root.find(f"{{{ns}}}course")
    if course is None or not course.get("id"):
        _fail(_("cmi5.xml must describe the course with an id."))
    title_zh, title_en = _texts(course, ns, "title")
    spec = PackageSpec(KIND_CMI5, course.get("id"), title_zh, title_en)
    errors = []
    for n, au in enumerate(root.iter(f"{{{ns}}}au"), start=1):
        where = f"AU {n}"
        au_id, url_el = au.get("id") or "", au.find(f"{{{ns}}}url")
        url = (url_el.text or "").strip() if url_el is not None else ""
        if not au_id:
            errors.append(("package", _("%(where)s has no id.", where=where)))
        if not url:
            errors.append(("package", _("%(where)s has no url.", where=where)))
        elif problem := _check_url(url, files, where):
            errors.append(("package", problem))
        move_on = au.get("moveOn") or "NotApplicable"
        if move_on not in MOVE_ON:
            errors.append(("package", _("%(where)s: moveOn %(value)s is not a cmi5 value.", where=where,
                                        value=move_on)))
        method = au.get("launchMethod") or "AnyWindow"
        if method not in LAUNCH_METHODS:
            errors.append(("package", _("%(where)s: launchMethod %(value)s is not a cmi5 value.", where=where,
                                        value=method)))
        mastery = None
        if au.get("masteryScore") is not None:
            try:
                mastery = float(au.get("masteryScore"))
                if not 0 <= mastery <= 1:
                    raise ValueError
            except ValueError:
                errors.append(("package", _("%(where)s: masteryScore must be a decimal between 0 and 1.",
                                            where=where)))
        zh, en = _texts(au, ns, "title")
        params = au.find(f"{{{ns}}}launchParameters")
        spec.aus.append(AuSpec(au_id, zh or au_id, en, url, method, move_on, mastery,
                               (params.text or "").strip() if params is not None else ""))
    if not spec.aus and not errors:
        errors.append(("package", _("cmi5.xml lists no assignable unit (au).")))
    if errors:
        raise ValidationFailed(errors)
    return spec


def read_tincan(data: bytes, files: set[str]) -> PackageSpec:
    root = _parse_xml(data, "tincan.xml")
    ns = TINCAN_NS
    for activity in root.iter(f"{{{ns}}}activity"):
        launch = activity.find(f"{{{ns}}}launch")
        if launch is None or not (launch.text or "").strip():
            continue
        url = launch.text.strip()
        if problem := _check_url(url, files, "tincan.xml"):
            _fail(problem)
        names = activity.find(f"{{{ns}}}name")
        title = (names.text or "").strip() if names is not None else ""
        spec = PackageSpec(KIND_TINCAN, activity.get("id") or "", title, "")
        spec.aus.append(AuSpec(activity.get("id") or "", title or url, "", url, "AnyWindow", "CompletedOrPassed"))
        return spec
    _fail(_("tincan.xml names no activity with a launch file."))


def read_structure(archive: zipfile.ZipFile, files: list[zipfile.ZipInfo], kind_hint: str) -> PackageSpec:
    """What the package is: cmi5 if it has cmi5.xml, Tin Can if tincan.xml, else plain HTML/video."""
    by_name = {info.filename: info for info in files}
    names = set(by_name)
    if kind_hint == KIND_CMI5 and "cmi5.xml" not in names:
        _fail(_("A cmi5 package needs cmi5.xml at the top of the zip."))
    if kind_hint == KIND_TINCAN and "tincan.xml" not in names:
        _fail(_("A Tin Can package needs tincan.xml at the top of the zip."))
    if "cmi5.xml" in names and kind_hint in (KIND_CMI5, ""):
        spec = read_cmi5(_read_small(archive, by_name["cmi5.xml"]), names)
    elif "tincan.xml" in names and kind_hint in (KIND_TINCAN, ""):
        spec = read_tincan(_read_small(archive, by_name["tincan.xml"]), names)
    else:
        if HTML_ENTRY not in names:
            _fail(_("A plain package needs index.html at the top of the zip."))
        spec = PackageSpec(KIND_HTML)
        spec.aus.append(AuSpec("", "", "", HTML_ENTRY))
    spec.files = sorted(names)
    spec.total_bytes = sum(info.file_size for info in files)
    return spec


def content_type_of(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return guessed + "; charset=utf-8" if guessed.startswith("text/") or guessed.endswith(("javascript", "json")) \
        else guessed


def unpack(archive: zipfile.ZipFile, files: list[zipfile.ZipInfo], storage: Storage, prefix: str) -> list[str]:
    """Stream every member into storage under `prefix`; returns the keys written (for clean-up)."""
    written = []
    try:
        for info in files:
            key = f"{prefix}/{info.filename}"
            with archive.open(info) as member:
                reader = _BoundedReader(member, info)
                storage.save(key, reader, content_type_of(info.filename))
            written.append(key)
            if reader.count != info.file_size:
                _fail(_("%(name)s is shorter than its declared size.", name=info.filename))
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        remove(storage, written)
        _fail(_("The zip archive is damaged: %(error)s", error=str(exc)[:200]))
    except ValidationFailed:
        remove(storage, written)
        raise
    return written


def remove(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        storage.delete(key)
