"""The LRS's fast JSON reads what the json module reads and writes the same JSON (only JSON: not NaN)."""
import json

import pytest

from xapi import jsontext

STATEMENT = {"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0", "actor": {"mbox": "mailto:王小明@example.org"},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"zh-TW": "完成", "en-US": "done"}},
             "object": {"id": "https://lms.kcg.gov.tw/xapi/activities/run/112-001"},
             "result": {"score": {"raw": 1.5e-7, "max": 1e16, "min": -0.0}, "success": True, "response": None,
                        "extensions": {"https://example.org/x": ["\n\t\"\\", "\u2028", "\x01", 12345678901234567]}}}

BODIES = [
    json.dumps(STATEMENT, ensure_ascii=False).encode(),
    b'{"a": 1, "a": 2}',
    b'[1.0, -0, 0.1, 1e-7, 1.7976931348623157e308]',
    b'{"big": 123456789012345678901234567890, "neg": -9223372036854775809}',
    b'{"id": "9223372036854775807"}',
    b'"\\ud800 lone surrogate"',
    b'  {"spaced" : [ true , false , null ] }  ',
]
NOT_JSON = [b"", b"{", b'{"a":1,}', b"\xef\xbb\xbf{}", b"\xff\xfe", b'"\x01"', b"[1] 2", "café".encode("latin-1")]


@pytest.mark.parametrize("body", BODIES)
def test_loads_reads_what_the_json_module_reads(body):
    ours, theirs = jsontext.loads(body), json.loads(body.decode("utf-8"))
    assert json.dumps(ours) == json.dumps(theirs)  # NaN != NaN, so compare the text
    assert [type(v) for v in _leaves(ours)] == [type(v) for v in _leaves(theirs)]


def test_integers_beyond_64_bits_stay_exact():
    assert jsontext.loads(b'{"n": 123456789012345678901234567890}')["n"] == 123456789012345678901234567890


@pytest.mark.parametrize("body", [b"[NaN]", b'{"x": Infinity}', b"[-Infinity]", b"[1E400]", b"[-1e400]"])
def test_numbers_json_cannot_carry_are_refused(body):
    json.loads(body.decode())  # the json module reads them ...
    with pytest.raises(ValueError):  # ... but they are not JSON, and could not be written back as JSON
        jsontext.loads(body)


@pytest.mark.parametrize("body", NOT_JSON)
def test_loads_refuses_what_the_json_module_refuses(body):
    with pytest.raises(ValueError):
        jsontext.loads(body)
    with pytest.raises(ValueError):
        json.loads(body.decode("utf-8"))


@pytest.mark.parametrize("value", [STATEMENT, {"big": 10 ** 30}, {"lone": "\ud800"}, "中文\u2028", [], {}])
def test_dumps_writes_the_same_json_as_the_json_module(value):
    ours, theirs = jsontext.dumps(value), json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(ours) == json.loads(theirs) == value
    # The same text, but for the spelling of small floats' exponents (1.5e-7 and 1.5e-07).
    assert ours == theirs.replace("1.5e-07", "1.5e-7")


def _leaves(value):
    if isinstance(value, dict):
        for key in value:
            yield from _leaves(value[key])
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value
