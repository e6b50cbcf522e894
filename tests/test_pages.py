"""Markers, merging and escaping (drizzle_doc.docs.pages)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drizzle_doc.docs.pages import (
    DAMAGED,
    MERGED,
    NEW,
    UNMANAGED,
    begin_marker,
    end_marker,
    js_string,
    md_cell,
    md_code,
    md_text,
    merge_page,
    parse_page,
    section_bodies,
)


def page(*parts: tuple[str, str] | str) -> str:
    out = []
    for p in parts:
        if isinstance(p, tuple):
            name, body = p
            out.append(f"{begin_marker(name)}\n{body}{end_marker(name)}\n")
        else:
            out.append(p)
    return "".join(out)


GEN_V1 = page("# t\n\n", ("a", "alpha v1\n"), "\n## B\n\n", ("b", "beta v1\n"), "\ntail\n")
GEN_V2 = page("# t\n\n", ("a", "alpha v2\n"), "\n## B\n\n", ("b", "beta v2\n"), "\ntail\n")


def test_new_page_is_generated_text():
    r = merge_page(None, GEN_V1)
    assert r.status == NEW and r.text == GEN_V1


def test_sections_refreshed_and_human_text_kept_byte_for_byte():
    human = GEN_V1.replace("## B\n", "## B\n\nWritten by a person | with `ticks`\r\n\n").replace(
        "tail\n", "tail\nmore notes at the end, no newline")
    r = merge_page(human, GEN_V2)
    assert r.status == MERGED
    assert "Written by a person | with `ticks`\r\n" in r.text
    assert r.text.endswith("more notes at the end, no newline")
    assert section_bodies(r.text) == {"a": "\nalpha v2\n", "b": "\nbeta v2\n"}
    assert r.text == human.replace("v1", "v2")


def test_section_taken_over_by_a_person_is_never_written_again():
    taken = GEN_V1.replace(begin_marker("b") + "\n", "").replace(end_marker("b") + "\n", "")
    taken = taken.replace("beta v1", "my own beta text")
    r = merge_page(taken, GEN_V2)
    assert r.status == MERGED and r.taken_over == ("b",)
    assert "my own beta text" in r.text and "beta v2" not in r.text
    assert "alpha v2" in r.text


def test_sections_moved_by_a_person_stay_where_they_are():
    a = page(("a", "alpha v1\n"))
    b = page(("b", "beta v1\n"))
    moved = "intro\n" + b + "middle\n" + a
    r = merge_page(moved, GEN_V2)
    assert r.text == "intro\n" + b.replace("v1", "v2") + "middle\n" + a.replace("v1", "v2")


@pytest.mark.parametrize("damage", ["missing_end", "missing_begin", "duplicate", "reordered", "mismatch", "nested"])
def test_damaged_markers_leave_the_page_untouched(damage):
    text = GEN_V1
    if damage == "missing_end":
        text = text.replace(end_marker("a") + "\n", "")
    elif damage == "missing_begin":
        text = text.replace(begin_marker("b") + "\n", "")
    elif damage == "duplicate":
        text = text + page(("a", "again\n"))
    elif damage == "reordered":
        text = text.replace(begin_marker("a"), "@@").replace(end_marker("a"), begin_marker("a")).replace(
            "@@", end_marker("a"))
    elif damage == "mismatch":
        text = text.replace(end_marker("a"), end_marker("b"), 1)
    elif damage == "nested":
        text = page(begin_marker("a") + "\n", ("b", "x\n"), end_marker("a") + "\n")
    r = merge_page(text, GEN_V2)
    assert r.status == DAMAGED and r.text == text and r.problems
    assert all(re.match(r"line \d+: ", p) for p in r.problems)


def test_page_without_markers_is_human_owned():
    r = merge_page("# users\n\nHand-written page.\n", GEN_V2)
    assert r.status == UNMANAGED and r.text == "# users\n\nHand-written page.\n"


def test_broken_generated_page_is_refused():
    with pytest.raises(ValueError):
        merge_page(GEN_V1, begin_marker("a") + "\nno end\n")


def test_parse_positions():
    p = parse_page(GEN_V1)
    assert p.ok and p.names() == ("a", "b")
    s = p.sections[0]
    assert GEN_V1[s.start:s.body_start] == begin_marker("a")
    assert GEN_V1[s.body_end:s.end] == end_marker("a")


# --- escaping -------------------------------------------------------------

NASTY = [
    "a | b",
    "line1\nline2\r\nline3",
    "use `code` and ``` fences",
    "<!-- drizzle-doc:end columns -->",
    "<script>alert(1)</script>",
    "--> closes <!-- opens",
    "```\n# heading inside a fence\n```",
    "back\\slash |",
]


@pytest.mark.parametrize("s", NASTY)
def test_cell_escaping_keeps_tables_and_markers_intact(s):
    for out in (md_cell(s), md_code(s)):
        assert "\n" not in out and "\r" not in out
        assert "<!--" not in out and "-->" not in out
        assert "<script" not in out
        # no unescaped pipe: every | is preceded by a backslash or encoded
        assert not re.search(r"(?<!\\)\|", out)
        table = f"| a | b |\n|---|---|\n| {out} | x |\n"
        assert parse_page(table).ok and not parse_page(table).sections


@pytest.mark.parametrize("s", NASTY)
def test_text_and_js_escaping_are_inert(s):
    t = md_text(s)
    assert "<!--" not in t and "-->" not in t and "<script" not in t
    assert not re.search(r"^ {0,3}(```|~~~)", t, re.M)
    j = js_string(s)
    assert "<" not in j and ">" not in j and "`" not in j and "\n" not in j
    import json
    assert json.loads(j) == s


def test_md_code_plain_when_harmless():
    assert md_code("now()") == "`now()`"
    assert md_code("'{}'::jsonb") == "`'{}'::jsonb`"
    assert md_code("a|b") == "<code>a&#124;b</code>"


# --- property: human edits survive regeneration --------------------------

SECTION_NAMES = ["header", "purpose", "columns", "indexes"]
human_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
).filter(lambda s: "<!--" not in s)


def gen_page(version: int) -> str:
    parts: list = ["# title\n\n"]
    for n in SECTION_NAMES:
        parts.append((n, f"{n} generated v{version}\n| a | b |\n"))
        parts.append(f"\n## after {n}\n\n")
    return page(*parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), human_text), max_size=6),
       rounds=st.integers(min_value=1, max_value=3))
def test_property_random_human_edits_survive(edits, rounds):
    text = gen_page(1)
    # insert human text only outside sections, at random points
    for pos, s in edits:
        parsed = parse_page(text)
        spans = [(sec.start, sec.end) for sec in parsed.sections]
        pos = pos % (len(text) + 1)
        for a, b in spans:
            if a < pos < b:
                pos = b
        text = text[:pos] + s + text[pos:]
    human_before = _outside(text)
    for version in range(2, 2 + rounds):
        r = merge_page(text, gen_page(version))
        assert r.status == MERGED
        text = r.text
        assert _outside(text) == human_before
        bodies = section_bodies(text)
        assert bodies == {n: f"\n{n} generated v{version}\n| a | b |\n" for n in SECTION_NAMES}


def _outside(text: str) -> list[str]:
    parsed = parse_page(text)
    out, pos = [], 0
    for s in parsed.sections:
        out.append(text[pos:s.start])
        pos = s.end
    out.append(text[pos:])
    return out


# --- the same property on real rendered pages -----------------------------------


def _rendered(version: int) -> dict[str, str]:
    from dataclasses import replace
    from pathlib import Path

    from drizzle_doc.model import Column, Doc
    from drizzle_doc.project import Project
    from drizzle_doc.docs.render import render_docs
    from test_render import hand_schema

    s = hand_schema()
    if version == 2:  # the models changed: a new column, a new description
        tables = []
        for t in s.tables:
            if t.name == "users":
                t = replace(t, columns=t.columns + (Column("bio", "bio", "text", description=Doc("About me.")),))
            if t.name == "sessions":
                t = replace(t, description=Doc("Sign-in sessions."))
            tables.append(t)
        s = replace(s, tables=tuple(tables))
    return render_docs(s, Project(root=Path("/nonexistent")))


V1, V2 = _rendered(1), _rendered(2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_name=st.sampled_from(sorted(V1)),
       edits=st.lists(st.tuples(st.integers(min_value=0, max_value=100_000), human_text), min_size=1, max_size=5))
def test_property_rendered_pages_keep_edits_and_refresh(page_name, edits):
    text = V1[page_name]
    for pos, s in edits:
        spans = [(sec.start, sec.end) for sec in parse_page(text).sections]
        pos = pos % (len(text) + 1)
        for a, b in spans:
            if a < pos < b:
                pos = b
        text = text[:pos] + s + text[pos:]
    human = _outside(text)
    r = merge_page(text, V2[page_name])
    assert r.status == MERGED
    assert _outside(r.text) == human
    assert section_bodies(r.text) == section_bodies(V2[page_name])
    # and a second run changes nothing
    assert merge_page(r.text, V2[page_name]).text == r.text


# ---------------------------------------------------------------------------
# Sections added by a later drizzle-doc version reach existing pages; sections a
# person took over (markers deleted) stay theirs.  The record of offered sections
# lives inside the first generated section, so no human text changes.
# ---------------------------------------------------------------------------

from drizzle_doc.docs.pages import add_record, merge_page as _merge


def _page(*names, body="x"):
    parts = ["# t\n"]
    for n in names:
        parts.append(f"\n## {n.title()}\n\n<!-- drizzle-doc:begin {n} -->\n{body} {n}\n<!-- drizzle-doc:end {n} -->\n")
    return add_record("".join(parts))


def test_a_section_new_in_this_version_is_inserted_after_its_predecessor():
    old = _page("a", "c", body="old") + "\nmy notes\n"
    new = _page("a", "b", "c", body="new")
    # the old page was written by a version that offered only a and c
    assert "<!-- drizzle-doc:sections a c -->" in old
    result = _merge(old, new)
    assert result.taken_over == ()
    assert "<!-- drizzle-doc:begin b -->\nnew b\n" in result.text
    assert result.text.index("begin a") < result.text.index("## B") < result.text.index("begin b") < result.text.index("begin c")
    assert result.text.endswith("\nmy notes\n")
    assert _merge(result.text, new).text == result.text  # and then it is stable


def test_a_section_a_person_took_over_is_never_written_again_even_with_a_record():
    full = _page("a", "b", "c", body="v1")
    taken = full.replace("<!-- drizzle-doc:begin b -->\n", "").replace("<!-- drizzle-doc:end b -->\n", "")
    taken = taken.replace("v1 b", "my own words about b")
    result = _merge(taken, _page("a", "b", "c", body="v2"))
    assert result.taken_over == ("b",)
    assert "my own words about b" in result.text and "v2 b" not in result.text
    assert "v2 a" in result.text and "v2 c" in result.text
