"""Generated sections inside hand-edited pages: find them, check them, merge them.

A page is a mix of human text and generated sections.  Each generated section
sits between two markers, each on its own line::

    <!-- drizzle-doc:begin columns -->
    ...generated text...
    <!-- drizzle-doc:end columns -->

Rules (:func:`merge_page`):

* Text outside markers belongs to people and is kept byte-for-byte.
* A section present on disk is refreshed with the newly generated text of the
  same name; a section whose markers a person deleted is never written again
  (that person took it over).
* A page whose markers are damaged (a begin without end, an end without begin,
  a duplicated or nested section, mismatched names) is left untouched: merging
  would have to guess where human text ends, and guessing can lose words.
* A page with no markers at all is human-owned and left untouched too.

Nothing here touches the file system; :mod:`drizzle_doc.docs.write` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

MARKER_PREFIX = "drizzle-doc"
#: Anything that looks like a marker, even a malformed one, so fakes are caught.
MARKER_RE = re.compile(r"<!--\s*drizzle-doc:(begin|end)\b\s*([^\s>]*)\s*-->")
SECTION_NAME_RE = re.compile(r"^[a-z][a-z0-9_.-]*$")


def begin_marker(name: str) -> str:
    return f"<!-- {MARKER_PREFIX}:begin {name} -->"


def end_marker(name: str) -> str:
    return f"<!-- {MARKER_PREFIX}:end {name} -->"


@dataclass(frozen=True, slots=True)
class Section:
    """One generated section: ``text[start:end]`` is markers and body."""

    name: str
    start: int  # offset of "<!--" of the begin marker
    body_start: int  # just after the begin marker
    body_end: int  # offset of "<!--" of the end marker
    end: int  # just after the end marker


@dataclass(frozen=True, slots=True)
class ParsedPage:
    sections: tuple[Section, ...]
    problems: tuple[str, ...]  # empty when the markers are sound

    @property
    def ok(self) -> bool:
        return not self.problems

    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sections)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@lru_cache(maxsize=64)
def parse_page(text: str) -> ParsedPage:
    """Find the generated sections of a page and everything wrong with its markers (immutable:
    a page's text is read once however often it is asked for, as a page is on its way out)."""
    sections: list[Section] = []
    problems: list[str] = []
    seen: dict[str, int] = {}  # section name -> offset of its first begin marker
    open_name: Optional[str] = None
    open_start = open_body = 0
    for m in MARKER_RE.finditer(text):
        kind, name = m.group(1), m.group(2)
        # line numbers are only counted for a problem (most pages have none)
        if not name:
            problems.append(f"line {_line_of(text, m.start())}: marker without a section name")
            continue
        if kind == "begin":
            if open_name is not None:
                problems.append(
                    f"line {_line_of(text, m.start())}: `begin {name}` inside section `{open_name}` "
                    "(its end marker is missing)"
                )
                open_name = None
            if name in seen:
                problems.append(f"line {_line_of(text, m.start())}: section `{name}` appears twice "
                                f"(first at line {_line_of(text, seen[name])})")
            seen.setdefault(name, m.start())
            open_name, open_start, open_body = name, m.start(), m.end()
        else:
            if open_name is None:
                problems.append(f"line {_line_of(text, m.start())}: `end {name}` without a matching begin")
            elif name != open_name:
                problems.append(f"line {_line_of(text, m.start())}: `end {name}` closes section `{open_name}`")
                open_name = None
            else:
                sections.append(Section(name, open_start, open_body, m.start(), m.end()))
                open_name = None
    if open_name is not None:
        problems.append(
            f"line {_line_of(text, open_start)}: section `{open_name}` has no end marker"
        )
    return ParsedPage(tuple(sections), tuple(problems))


def section_bodies(text: str) -> dict[str, str]:
    """``{name: body}`` of a page with sound markers (raises ValueError otherwise)."""
    parsed = parse_page(text)
    if not parsed.ok:
        raise ValueError("; ".join(parsed.problems))
    return {s.name: text[s.body_start : s.body_end] for s in parsed.sections}


# Merge outcomes
NEW = "new"  # no page on disk: the generated page as is
MERGED = "merged"  # sections refreshed, human text kept
DAMAGED = "damaged"  # markers broken: left untouched
UNMANAGED = "unmanaged"  # no markers at all: human-owned, left untouched


@dataclass(frozen=True, slots=True)
class MergeResult:
    text: str  # what the page should contain now (== existing when left untouched)
    status: str  # NEW | MERGED | DAMAGED | UNMANAGED
    problems: tuple[str, ...] = ()
    taken_over: tuple[str, ...] = ()  # generated sections a person removed (not written)

    @property
    def untouched(self) -> bool:
        return self.status in (DAMAGED, UNMANAGED)


#: Inside a page's first generated section: every section drizzle-doc offers on it.
#: A section missing from the page but listed here was taken over by a person;
#: one not listed is new in this version of drizzle-doc and is inserted.  Pages
#: without the record (custom templates) treat every missing section as taken over.
RECORD_RE = re.compile(r"<!-- drizzle-doc:sections ([a-z0-9_. -]*) -->")


def record_line(names) -> str:
    return f"<!-- {MARKER_PREFIX}:sections {' '.join(names)} -->"


def add_record(generated: str) -> str:
    """``generated`` with the record of its sections at the end of its first section."""
    parsed = parse_page(generated)
    if not parsed.ok or not parsed.sections or RECORD_RE.search(generated):
        return generated
    first = parsed.sections[0]
    body_end = first.body_end
    return generated[:body_end] + record_line(parsed.names()) + "\n" + generated[body_end:]


def merge_page(existing: Optional[str], generated: str) -> MergeResult:
    """Refresh the generated sections of ``existing`` from ``generated``.

    ``existing`` is the page on disk (``None`` when there is none).  Pure: the
    check command calls it to compute what ``generate`` would write.
    """
    gen = parse_page(generated)
    if not gen.ok:  # a broken (custom) template: never write it over anything
        raise ValueError("generated page has broken markers: " + "; ".join(gen.problems))
    gen_names = gen.names()
    if existing is None:
        return MergeResult(generated, NEW)
    old = parse_page(existing)
    if not old.ok:
        return MergeResult(existing, DAMAGED, old.problems)
    if not old.sections:
        return MergeResult(existing, UNMANAGED)
    m = RECORD_RE.search(existing)
    offered = set(m.group(1).split()) if m else set(gen_names)
    fresh = {s.name: generated[s.body_start : s.body_end] for s in gen.sections}
    parts: list[str] = []
    pos = 0
    for s in old.sections:
        parts.append(existing[pos : s.body_start])
        parts.append(fresh.get(s.name, existing[s.body_start : s.body_end]))
        pos = s.body_end
    parts.append(existing[pos:])
    text = "".join(parts)
    on_disk = set(old.names())
    taken = tuple(n for n in gen_names if n not in on_disk and n in offered)
    gen_by_name = {s.name: s for s in gen.sections}
    for i, name in enumerate(gen_names):
        if name in on_disk or name in offered:
            continue
        current = {s.name: s for s in parse_page(text).sections}
        prev = next((gen_names[j] for j in range(i - 1, -1, -1) if gen_names[j] in current), None)
        if prev is not None:  # the new section and the heading before it go after its predecessor
            chunk = generated[gen_by_name[prev].end : gen_by_name[name].end]
            at = current[prev].end
        else:
            nxt = next((n for n in gen_names[i + 1 :] if n in current), None)
            if nxt is None:
                continue
            chunk = generated[gen_by_name[name].start : gen_by_name[nxt].start]
            at = current[nxt].start
        text = text[:at] + chunk + text[at:]
    return MergeResult(text, MERGED, (), taken)


def is_generated_page(text: str) -> bool:
    """True when the page carries at least one drizzle-doc marker (ours to report or prune)."""
    return MARKER_RE.search(text) is not None


# ---------------------------------------------------------------------------
# Escaping: source text (JSDoc, defaults, names, SQL) can never break a table,
# open a fence, inject HTML or fake a marker.  Pure functions of one string, cached:
# the same types, names and defaults come back on page after page.
# ---------------------------------------------------------------------------

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_FENCE_LINE = re.compile(r"^( {0,3})(`{3,}|~{3,})", re.M)


@lru_cache(maxsize=1 << 16)
def md_text(s: str) -> str:
    """Free text (a JSDoc paragraph): Markdown kept, HTML and markers made inert."""
    s = s.replace("\r\n", "\n").replace("\r", "\n").translate(_HTML)
    # a fence opened by a comment would swallow the rest of the page
    return _FENCE_LINE.sub(lambda m: m.group(1) + "\\" + m.group(2), s).strip()


@lru_cache(maxsize=1 << 16)
def md_inline(s: str) -> str:
    """Free text on one line (a list item): no newlines."""
    return " ".join(md_text(s).split("\n")).strip()


@lru_cache(maxsize=1 << 16)
def md_cell(s: str) -> str:
    """Free text inside a Markdown table cell."""
    s = md_text(s)
    s = s.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return "<br>".join(line.strip() for line in s.split("\n") if line.strip())


@lru_cache(maxsize=1 << 16)
def md_code(s: str) -> str:
    """A code-ish value (type, default, SQL, name) as inline code, safe in a table cell.

    Plain backticks when the value allows it (readable source); otherwise an
    HTML ``<code>`` element with everything escaped.
    """
    s = " ".join(s.replace("\r", "\n").split("\n")) if ("\n" in s or "\r" in s) else s
    if s and not any(ch in s for ch in "`|<>") and not s.startswith(" ") and not s.endswith(" "):
        return f"`{s}`"
    esc = s.translate(_HTML).replace("|", "&#124;").replace("`", "&#96;")
    return f"<code>{esc}</code>"


@lru_cache(maxsize=1 << 16)
def js_string(s: str) -> str:
    """A JavaScript/JSON string literal that cannot close a fence or fake a marker."""
    import json

    out = json.dumps(s, ensure_ascii=False)
    return out.replace("<", "\\u003c").replace(">", "\\u003e").replace("`", "\\u0060")


@lru_cache(maxsize=1 << 16)
def code_comment(s: str) -> str:
    """Text for a ``//`` comment inside a code block: one line, no fence, no marker."""
    s = " ".join(s.replace("\r", "\n").split())
    return s.replace("`", "'").replace("<!--", "<!- -").replace("-->", "- ->")
