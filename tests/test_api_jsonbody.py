"""HTTP bodies: the bytes the standard library would write, and no failure on text it cannot encode."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.jsonbody import dump

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(st.characters(exclude_categories=["Cs"])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.slow  # fuzz: generated JSON values
@given(json_values)
def test_same_bytes_as_the_standard_library(value: object) -> None:
    assert dump(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_hostile_text_and_scores() -> None:
    payload = {"q": "l'APA \"à\" C:\\ $x {y}\n\t\x00\u2028 ’", "score": 12.3456, "answers": []}
    body = dump(payload)
    assert json.loads(body) == payload
    assert body == json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_a_lone_surrogate_is_escaped_not_an_error() -> None:
    body = dump({"id": "a\ud800b"})
    assert body == b'{"id":"a\\ud800b"}' and json.loads(body) == {"id": "a\ud800b"}
