"""The OpenAPI 3.1 description of the JSON API under /api/v1, assembled from YAML files.

`openapi.yaml` here is the base: info, the session security scheme, the one error body that
lms.errors produces and the shared error responses, page parameters. Each package that serves JSON
keeps a fragment named `openapi.yaml` beside its blueprint module (for example
courses/catalogue/openapi.yaml next to courses/catalogue/api.py). The fragment is found through the
registered blueprint's `root_path`, so the core reads the file and never imports the package.

To document a new endpoint:
1. Add its path and operation (with an `operationId`, every parameter, the request body and every
   response status it can answer) to the `openapi.yaml` of the package whose blueprint serves it,
   creating the file if the package has none. A fragment may hold only `paths`, `components` and
   `tags`; it refers to shared parts as `#/components/responses/Forbidden`,
   `#/components/schemas/Error`, `#/components/parameters/page` and so on.
2. Run `pytest tests/lms/test_openapi.py`: it validates the merged document and fails on any
   /api/v1 route that the document does not describe. Check the answers of the new operation
   against the document with the helpers in tests/openapi.py (see
   tests/courses/catalogue/test_openapi_contract.py).
A path or component name defined twice, or a fragment with other top-level keys, fails loudly.
"""
from __future__ import annotations

import copy
from pathlib import Path

import yaml
from flask import Flask

BASE_FILE = Path(__file__).with_name("openapi.yaml")
FRAGMENT_NAME = "openapi.yaml"
FRAGMENT_KEYS = {"paths", "components", "tags"}


class OpenAPIFragmentError(ValueError):
    """A fragment that cannot be merged: unknown top-level key or a name already defined."""


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def fragment_files(app: Flask) -> list[Path]:
    """Fragments beside the registered blueprints' modules, in registration order, each once."""
    found: list[Path] = []
    for blueprint in app.blueprints.values():
        path = Path(blueprint.root_path) / FRAGMENT_NAME
        if path.is_file() and path != BASE_FILE and path not in found:
            found.append(path)
    return found


def _merge_names(target: dict, extra: dict, where: str, source: Path) -> None:
    for name, value in extra.items():
        if name in target:
            raise OpenAPIFragmentError(f"{source}: {where}{name} is already defined")
        target[name] = value


def merge_fragment(document: dict, fragment: dict, source: Path) -> None:
    unknown = set(fragment) - FRAGMENT_KEYS
    if unknown:
        raise OpenAPIFragmentError(f"{source}: a fragment holds only {sorted(FRAGMENT_KEYS)}, not {sorted(unknown)}")
    _merge_names(document.setdefault("paths", {}), fragment.get("paths") or {}, "path ", source)
    components = document.setdefault("components", {})
    for kind, named in (fragment.get("components") or {}).items():
        _merge_names(components.setdefault(kind, {}), named or {}, f"components/{kind}/", source)
    known_tags = {tag["name"] for tag in document.setdefault("tags", [])}
    for tag in fragment.get("tags") or []:
        if tag["name"] in known_tags:
            raise OpenAPIFragmentError(f"{source}: tag {tag['name']} is already defined")
        document["tags"].append(tag)


def build_document(app: Flask) -> dict:
    """The whole document: the base plus every fragment found beside a registered blueprint."""
    document = _load(BASE_FILE)
    for path in fragment_files(app):
        merge_fragment(document, _load(path), path)
    return document


def get_document(app: Flask) -> dict:
    """The document built once per app (the files do not change while it runs); a copy for the caller."""
    if "lms.openapi" not in app.extensions:
        app.extensions["lms.openapi"] = build_document(app)
    return copy.deepcopy(app.extensions["lms.openapi"])
