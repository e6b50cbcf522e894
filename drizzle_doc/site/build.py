"""The site's files from the model and the Markdown pages: pure, deterministic, no I/O but the
shipped assets.

Pages are rendered with markdown-it-py (CommonMark and GitHub's tables, as GitHub shows the
Markdown pages).  Raw HTML in a page is not passed through (it is shown as text: a page from a
pull request cannot put a script into the site) and HTML comments, drizzle-doc's markers among
them, are dropped.  Links between pages point at their HTML; other relative links (a model's
source line) are re-based from the docs folder to the site folder.  A Mermaid block becomes a
link to the table's place in the interactive ER view, which draws the same relationships.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional
from urllib.parse import quote

from markdown_it import MarkdownIt

from drizzle_doc.docs.erd import Edge, schema_edges
from drizzle_doc.docs.render import display_name, page_paths
from drizzle_doc.model import Schema, Table

#: the shipped files copied as they are
ASSETS = ("dagre.min.js", "dagre.LICENSE.txt", "er.js", "site.css")
INDEX_PAGE = "README.md"
_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"])


def html_name(md_path: str) -> str:
    """``users.md`` -> ``users.html``; the index page (README.md) -> ``index.html``."""
    if md_path == INDEX_PAGE:
        return "index.html"
    return md_path[:-3] + ".html" if md_path.endswith(".md") else md_path + ".html"


def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces as dashes."""
    s = re.sub(r"[^\w\- ]", "", text.strip().lower(), flags=re.UNICODE)
    return s.replace(" ", "-")


def _rebase(href: str, pages: Mapping[str, str], page: str, docs_out: str, site_out: str) -> str:
    """A page's link as the site needs it (see the module docstring)."""
    if not href or href.startswith("#") or _SCHEME.match(href) or href.startswith("//"):
        return href
    path, _, frag = href.partition("#")
    frag = f"#{frag}" if frag else ""
    base = posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(base, path)) if path else page
    if target in pages:
        rel = posixpath.relpath(html_name(target), base or ".")
        return rel + frag
    if path.startswith("/"):
        return href
    # a file of the repository: from the docs folder to the site folder
    abs_target = posixpath.normpath(posixpath.join(docs_out, base, path))
    site_base = posixpath.normpath(posixpath.join(site_out, base))
    return posixpath.relpath(abs_target, site_base) + frag


def render_page(md_text: str, page: str, pages: Mapping[str, str], docs_out: str, site_out: str,
                er_href: str) -> tuple[str, str]:
    """(title, body HTML) of one Markdown page."""
    md = _markdown()
    tokens = md.parse(_COMMENT.sub("", md_text))
    title = ""
    seen: dict[str, int] = {}
    out_tokens = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open" and i + 1 < len(tokens):
            text = tokens[i + 1].content
            if not title and tok.tag == "h1":
                title = re.sub(r"[`*_]", "", text)
            s = slug(re.sub(r"[`*_]", "", text))
            n = seen.get(s, 0)
            seen[s] = n + 1
            tok.attrSet("id", s if n == 0 else f"{s}-{n}")
        elif tok.type == "fence" and tok.info.strip().split(" ")[0] == "mermaid":
            tok.type, tok.tag, tok.nesting = "html_block", "", 0
            tok.content = (f'<p class="er-link"><a href="{html.escape(er_href, quote=True)}">'
                           "Open this diagram in the interactive ER view</a></p>\n")
        if tok.children:
            for child in tok.children:
                if child.type == "link_open":
                    child.attrSet("href", _rebase(str(child.attrGet("href") or ""), pages, page, docs_out, site_out))
        out_tokens.append(tok)
        i += 1
    # html_block tokens are written as they are even with html disabled (only parsing is off)
    body = md.renderer.render(out_tokens, md.options, {})
    return title or page, body


def _flags(t: Table, fk_cols: set[str]) -> dict[str, str]:
    pk = set(t.primary_key.columns) if t.primary_key else {c.name for c in t.columns if c.primary_key}
    uniq = {u.columns[0] for u in t.uniques if len(u.columns) == 1} | {c.name for c in t.columns if c.unique}
    out = {}
    for c in t.columns:
        f = ("P" if c.name in pk else "") + ("F" if c.name in fk_cols else "") + \
            ("U" if c.name in uniq else "") + ("N" if c.not_null or c.name in pk else "")
        out[c.name] = f
    return out


def er_data(schema: Schema, paths: Mapping[str, str], edges: Optional[Iterable[Edge]] = None) -> dict[str, Any]:
    """What ``er.js`` draws: tables (name, page, columns with flags) and edges between them."""
    edges = tuple(schema_edges(schema) if edges is None else edges)
    tables = sorted(schema.tables, key=lambda t: t.key)
    index = {t.key: i for i, t in enumerate(tables)}
    fk_cols: dict[str, set[str]] = {}
    for e in edges:
        fk_cols.setdefault(e.child, set()).update(e.child_columns)
    out_tables = []
    for t in tables:
        flags = _flags(t, fk_cols.get(t.key, set()))
        out_tables.append({
            "key": t.key, "name": display_name(t), "page": html_name(paths[t.key]),
            "columns": [[c.name, c.type, flags[c.name]] for c in t.columns],
        })
    out_edges = []
    for e in edges:
        if e.child in index and e.parent in index:
            out_edges.append([index[e.child], index[e.parent], list(e.child_columns), list(e.parent_columns),
                              1 if e.enforced else 0, 1 if e.unique else 0])
    return {"tables": out_tables, "edges": out_edges}


def _script_json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_SHELL = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}site.css">
</head>
<body class="{kind}">
<header class="top"><a class="brand" href="{root}index.html">{project}</a>
<nav><a href="{root}index.html">Tables</a> <a href="{er}">ER diagram</a></nav></header>
{body}
<footer>Generated by drizzle-doc from the Drizzle models; the Markdown pages are the source.</footer>
</body>
</html>
"""

_ER_BODY = """<main class="er">
<div class="toolbar">
<input id="er-search" type="search" placeholder="Search a table or column" autocomplete="off" aria-label="Search a table or column">
<span class="modes" role="radiogroup" aria-label="What the boxes show">
<label><input type="radio" name="er-mode" value="names"> Table names</label>
<label><input type="radio" name="er-mode" value="keys"> Key columns</label>
<label><input type="radio" name="er-mode" value="all"> All columns</label>
</span>
<button type="button" id="er-fit" title="Fit the whole diagram">Fit</button>
<span id="er-status" aria-live="polite"></span>
</div>
<ol id="er-results" hidden></ol>
<svg id="er" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="ER diagram"><defs><marker id="er-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"></path></marker></defs><g id="er-viewport"></g></svg>
<noscript>The ER view needs JavaScript; every table has its own page under Tables.</noscript>
</main>
<script src="{assets}dagre.min.js"></script>
<script src="{assets}er-data.js"></script>
<script src="{assets}er.js"></script>
"""


def build_site(schema: Schema, pages: Mapping[str, str], *, docs_out: str, site_out: str,
               project_name: str = "Schema") -> dict[str, str]:
    """Every file of the site, path (relative to the site folder) -> text, sorted by path.

    ``pages``: the Markdown pages (relative to the docs folder ``docs_out``) as ``generate``
    would leave them; ``site_out``: the site folder, relative to the same root as ``docs_out``.
    """
    paths = page_paths(schema)
    page_of = {p: k for k, p in paths.items()}
    files: dict[str, str] = {}
    esc = html.escape
    for page in sorted(pages):
        if not page.endswith(".md"):
            continue
        depth = page.count("/")
        root = "../" * depth
        key = page_of.get(page)
        er_href = f"{root}er.html" + (f"#t={_frag(key)}" if key else "")
        title, body = render_page(pages[page], page, pages, docs_out, site_out, er_href)
        if key:
            body = (f'<p class="er-place"><a href="{esc(er_href, quote=True)}">Show {esc(display_name(_table(schema, key)))} '
                    "in the ER diagram</a></p>\n") + body
        files[html_name(page)] = _SHELL.format(
            title=esc(title), assets=root + "assets/", root=root, er=f"{root}er.html", project=esc(project_name),
            kind="page table" if key else "page index", body=f'<main class="doc">\n{body}</main>')
    if "index.html" not in files:
        files["index.html"] = _SHELL.format(title=esc(project_name), assets="assets/", root="", er="er.html",
                                            project=esc(project_name), kind="page index",
                                            body='<main class="doc"><p>No index page.</p></main>')
    files["er.html"] = _SHELL.format(title=esc(f"{project_name}: ER diagram"), assets="assets/", root="",
                                     er="er.html", project=esc(project_name), kind="er-page",
                                     body=_ER_BODY.format(assets="assets/"))
    files["assets/er-data.js"] = ("/* drizzle-doc: the tables and relationships er.js draws */\n"
                                  f"window.DRIZZLE_DOC_ER = {_script_json(er_data(schema, paths))};\n")
    shipped = _assets_dir()
    for name in ASSETS:
        files[f"assets/{name}"] = (shipped / name).read_text(encoding="utf-8")
    return dict(sorted(files.items()))


def _frag(key: str) -> str:
    return quote(key, safe="._-")


def _table(schema: Schema, key: str) -> Table:
    return next(t for t in schema.tables if t.key == key)


def _assets_dir() -> Path:
    """The shipped assets (inside the package, in a wheel and in a checkout alike)."""
    return Path(__file__).resolve().parent / "assets"
