"""inspect's fast JSON writer is byte-equal to ``json.dumps(indent=2, ensure_ascii=False)`` (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drizzle_doc.project.config import load_projects
from drizzle_doc.output.jsonout import pretty_chunks
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.output.serialize import schema_json

REPO = Path(__file__).resolve().parent.parent

keys = st.one_of(st.text(max_size=8), st.sampled_from(["tables", "columns", "", "\n", "\"", "\ud800"]))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=12),
    st.sampled_from(["\x00\x1f\x7f", "\u2028\u2029", "\ud83d", "a\\b\"c\n\t\r\b\f", "é中😀"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4),
                            st.dictionaries(st.integers(0, 3), inner, min_size=1, max_size=2)),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(values)
def test_equals_the_standard_library(value):
    assert "".join(pretty_chunks(value)) == json.dumps(value, indent=2, ensure_ascii=False)


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value


@pytest.mark.parametrize("root", sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir()))
def test_fixture_payloads_hold_no_floats_and_print_the_same(root):
    for project in load_projects(REPO / "fixtures" / root):
        payload = schema_json(extract(project))
        assert not any(type(v) is float for v in _walk(payload))  # orjson spells floats differently
        assert "".join(pretty_chunks(payload)) == json.dumps(payload, indent=2, ensure_ascii=False)
