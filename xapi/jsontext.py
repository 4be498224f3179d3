"""The JSON text the LRS writes: orjson where it can, the standard library where orjson refuses.

Writing each statement's JSON was a tenth of the time of a batch POST; orjson writes it several
times faster, in the same compact form (no spaces, non-ASCII characters as they are). It refuses
what Python's json module writes beyond standard JSON (integers outside 64 bits, lone surrogates,
NaN), and those are written by the json module as before. Parsing stays with the json module:
orjson reads integers beyond 64 bits as floats, which would change a statement's numbers.
"""
from __future__ import annotations

import json

import orjson

_stdlib_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def dumps(value) -> str:
    """Compact JSON text of parsed JSON (dicts, lists, strings, numbers, booleans, None)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: a value orjson cannot write, the json module can
        return _stdlib_compact(value)
