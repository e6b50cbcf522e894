"""Never lose a word: 1,000 rounds of a person editing real pages and ``generate`` merging (issue 6).

The pages are the real rendered pages of ``fixtures/example`` (three versions of
its models).  Each hypothesis example edits one page the way people do (insert,
delete or rewrite text anywhere outside the markers, scribble inside a section,
take a section over, add an HTML comment or even something marker-like), then
generates twice.  Whatever happened: text outside the markers is kept byte for
byte and sections are exactly the new generated ones, or, when the person broke
the markers, the page is returned untouched and the problem is reported.  Every
50th round goes through the real writer on disk.  The damaged-marker cases are
also run through the CLI.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from drizzle_doc.project.config import load_projects
from drizzle_doc.model import Column, Doc
from drizzle_doc.docs.pages import DAMAGED, MERGED, MARKER_RE, merge_page, parse_page, section_bodies
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.docs.render import render_docs
from drizzle_doc.docs.write import write_docs
from test_robustness import OUT, drizzle_doc

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "fixtures" / "example"


def _versions() -> list[dict[str, str]]:
    (project,) = load_projects(EXAMPLE)
    schema = extract(project)
    out = []
    for v in (1, 2, 3):
        tables = []
        for t in schema.tables:
            if v >= 2:
                t = replace(t, description=Doc(f"{t.name}, as of models version {v} | with `code` <b>."))
            if v == 3:
                t = replace(t, columns=t.columns + (Column("notes_v3", "notesV3", "text", description=Doc("New.")),))
            tables.append(t)
        out.append(render_docs(replace(schema, tables=tuple(tables)), project))
    return out


VERSIONS = _versions()
PAGES = sorted(VERSIONS[0])

human = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(["\n", "\r\n", "# My heading\n", "| a | b |\n|---|---|\n", "```\ncode\n", "<!-- a note -->",
                     "-->", "<!--", "<details>\n", "drizzle-doc:begin", "\u2028", "\ufeff", "  \t  "]),
)
marker_like = st.sampled_from(["<!-- drizzle-doc:begin columns -->", "<!-- drizzle-doc:end columns -->",
                               "<!--drizzle-doc:end x-->", "<!-- drizzle-doc:begin -->",
                               "<!-- drizzle-doc:begin mine -->\nmine\n<!-- drizzle-doc:end mine -->\n"])
edit = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10**6), human),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 80)),
    st.tuples(st.just("rewrite-line"), st.integers(0, 10**6), human),
    st.tuples(st.just("scribble-in-section"), st.integers(0, 10**6), human),
    st.tuples(st.just("take-over"), st.integers(0, 10**6), st.just("")),
    st.tuples(st.just("fake-marker"), st.integers(0, 10**6), marker_like),
)


def _outside(text: str) -> list[str]:
    out, pos = [], 0
    for s in parse_page(text).sections:
        out.append(text[pos:s.start])
        pos = s.end
    out.append(text[pos:])
    return out


def _human_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for s in parse_page(text).sections:
        spans.append((pos, s.start))
        pos = s.end
    spans.append((pos, len(text)))
    return spans


def apply_edit(text: str, kind: str, at: int, arg) -> str:
    parsed = parse_page(text)
    if kind == "fake-marker" or not parsed.ok:
        at %= len(text) + 1
        return text[:at] + (arg if isinstance(arg, str) else "") + text[at:]
    spans = _human_spans(text)
    a, b = spans[at % len(spans)]
    if kind == "insert":
        p = a + at % (b - a + 1)
        return text[:p] + arg + text[p:]
    if kind == "delete":
        if b == a:
            return text
        p = a + at % (b - a)
        return text[:p] + text[min(b, p + arg):]
    if kind == "rewrite-line":
        lines = text[a:b].split("\n")
        i = at % len(lines)
        lines[i] = arg.replace("\n", " ")
        return text[:a] + "\n".join(lines) + text[b:]
    if kind == "scribble-in-section" and parsed.sections:
        s = parsed.sections[at % len(parsed.sections)]
        return text[:s.body_start] + "\n" + arg + "\n" + text[s.body_end:]
    if kind == "take-over" and parsed.sections:  # a person deletes a section, markers and all
        s = parsed.sections[at % len(parsed.sections)]
        return text[:s.start] + f"My own {s.name}.\n" + text[s.end:]
    return text


_rounds = {"n": 0}


@seed(6)
@settings(max_examples=1000, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(page=st.sampled_from(PAGES), start=st.integers(0, 2), edits=st.lists(edit, min_size=1, max_size=4),
       versions=st.tuples(st.integers(0, 2), st.integers(0, 2)))
def test_human_text_survives_1000_rounds_of_edit_and_generate(page, start, edits, versions):
    text = VERSIONS[start][page]
    for kind, at, arg in edits:
        text = apply_edit(text, kind, at, arg)
    edited = text
    sound = parse_page(edited).ok
    for v in versions:
        generated = VERSIONS[v][page]
        r = merge_page(text, generated)
        if not sound:  # the person broke the markers: not one byte is touched, the problem is named
            assert r.status == DAMAGED and r.text == edited and r.problems
            continue
        if not parse_page(edited).sections:
            assert r.text == edited
            continue
        assert r.status == MERGED
        assert _outside(r.text) == _outside(edited)  # every human word, byte for byte
        fresh = section_bodies(generated)
        for name, body in section_bodies(r.text).items():
            assert body == fresh.get(name, section_bodies(edited).get(name)), name
        assert merge_page(r.text, generated).text == r.text  # a second generate changes nothing
        text = r.text
    _rounds["n"] += 1
    if _rounds["n"] % 50 == 0:  # now and then through the real writer, on disk
        tmp = Path(tempfile.mkdtemp(prefix="drizzle-doc-edits-"))
        try:
            (tmp / page).parent.mkdir(parents=True, exist_ok=True)
            (tmp / page).write_bytes(edited.encode("utf-8", "surrogatepass"))
            write_docs(tmp, {page: VERSIONS[versions[0]][page]})
            on_disk = (tmp / page).read_bytes().decode("utf-8", "surrogatepass")
            assert on_disk == merge_page(edited, VERSIONS[versions[0]][page]).text
        finally:
            shutil.rmtree(tmp)


def test_damaged_markers_through_the_cli_leave_pages_untouched_and_reported(tmp_path):
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("node_modules"))
    out = root / OUT
    shutil.rmtree(out)
    assert drizzle_doc("generate", "--root", str(root)).returncode == 0
    b, e = "<!-- drizzle-doc:begin columns -->", "<!-- drizzle-doc:end columns -->"
    damage = {
        "users.md": lambda t: t.replace(e, "", 1),  # end marker missing
        "tasks.md": lambda t: t.replace(b, "", 1),  # begin marker missing
        "projects.md": lambda t: t.replace(b, b + "\n" + e + "\n" + b, 1),  # section duplicated
        "comments.md": lambda t: t.replace(b, "@@B@@").replace(e, b).replace("@@B@@", e),  # reordered
        "sessions.md": lambda t: t.replace(e, "<!-- drizzle-doc:end indexes -->", 1),  # mismatched
    }
    for name, fn in damage.items():
        p = out / name
        p.write_text("My notes on " + name + "\n" + fn(p.read_text()))
    damaged = {n: (out / n).read_bytes() for n in damage}
    (root / "server/src/models/organizations.ts").write_text(
        (root / "server/src/models/organizations.ts").read_text().replace("Display name.", "Display name, changed."))
    r = drizzle_doc("generate", "--root", str(root))
    assert r.returncode == 1
    for name in damage:
        assert (out / name).read_bytes() == damaged[name]  # untouched
        assert f"{OUT}/{name}: error: drizzle-doc markers are damaged" in r.stderr, r.stderr
    assert "Display name, changed." in (out / "organizations.md").read_text()  # the rest is still refreshed
    assert all(MARKER_RE.search((out / n).read_text()) for n in damage)
