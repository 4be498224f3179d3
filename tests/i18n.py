"""What a package's pages and code ask to translate, and what its Chinese catalogue lacks."""
from __future__ import annotations

from babel.messages.extract import extract_from_dir

from lms.i18n import message_folders, read_catalogue
from lms.settings import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def messages_and_missing(package: str) -> tuple[set[str], list[str]]:
    """(every message id in `package`'s Python files and templates, those without a zh_Hant_TW translation
    in its own or the core's catalogue).
    `package` is a path like "courses/subsidies"; its templates are under templates/<package>."""
    method_map = [(f"{package}/**.py", "python"), (f"templates/{package}/**.html", "jinja2")]
    found = {m if isinstance(m, str) else m[0]
             for _f, _l, m, _c, _x in extract_from_dir(str(PROJECT_ROOT), method_map, keywords=KEYWORDS)}
    # The app loads every package's catalogue together: a package's pages may use the core's (lms) words.
    tops = {package.split("/")[0], "lms"}
    translated = {m.id for folder in message_folders() if folder.parts[-4] in tops and folder.parts[-2] == "zh_Hant_TW"
                  for m in read_catalogue(folder) if m.id}
    return found, sorted(found - translated)
