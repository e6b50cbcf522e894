"""JSDoc blocks (``/** … */``) to :class:`~drizzle_doc.model.Doc`."""

from __future__ import annotations

import re

from drizzle_doc.model import NO_DOC, Doc, DocTag

_TAG = re.compile(r"^@([A-Za-z][\w-]*)\s*(.*)$")


def parse_jsdoc(comment: str) -> Doc:
    if not comment.startswith("/**") or comment.startswith("/**/"):
        return NO_DOC
    body = comment[3:]
    if body.endswith("*/"):
        body = body[:-2]
    text_lines: list[str] = []
    tags: list[list[str]] = []
    in_fence = False
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith("*"):
            line = line[1:]
            if line.startswith(" "):
                line = line[1:]
        line = line.rstrip()
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        m = _TAG.match(stripped) if not in_fence and stripped.startswith("@") else None
        if m:
            tags.append([m.group(1), m.group(2)])
        elif tags:
            tags[-1].append(line)
        else:
            text_lines.append(line)
    text = _squeeze(text_lines)
    doc_tags = tuple(DocTag(name, _squeeze([first, *rest])) for name, first, *rest in tags)
    if not text and not doc_tags:
        return NO_DOC
    return Doc(text=text, tags=doc_tags)


def _squeeze(lines: list[str]) -> str:
    """Trim blank lines at both ends; keep paragraphs and inner line breaks."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines).strip()
