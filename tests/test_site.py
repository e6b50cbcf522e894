"""`drizzle-doc site`: the static HTML site, built from the same pages, checked in a real browser.

The browser tests drive Debian's chromium headless through Playwright (the system browser, no
download).  They are skipped when either is missing, unless $CI is set: in CI that is a
failure.  Each keeps a screenshot under test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from drizzle_doc.commands.site import MANIFEST
from tests.conftest import FIXTURES, REPO, run_cli_at

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)


def run(*args, cwd: Path):
    return run_cli_at(cwd, *args)


def copy_example(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "example", tmp_path / "example",
                                ignore=shutil.ignore_patterns("node_modules")))


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> tuple[Path, Path]:
    """(project, site folder) for a copy of the example whose tasks page carries hand-written text."""
    project = copy_example(tmp_path_factory.mktemp("site"))
    assert run("generate", cwd=project).exit_code == 0
    page = project / "docs/data/schemas/tasks.md"
    page.write_text(page.read_text() + "\n## Team notes\n\nHand-written: <script>alert(1)</script> stays text.\n")
    r = run("site", cwd=project)
    assert r.exit_code == 0, r.output
    return project, project / "docs/data/site"


def test_site_has_a_page_per_table_the_index_and_the_er_view(example_site):
    project, site = example_site
    tables = {p.stem for p in (project / "docs/data/schemas").glob("*.md")} - {"README"}
    pages = {p.stem for p in site.glob("*.html")}
    assert pages == tables | {"index", "er"}
    assert "docs/data/site/" in run("site", cwd=project).output  # says where it wrote
    for name in ("dagre.min.js", "er.js", "site.css", "er-data.js", "dagre.LICENSE.txt"):
        assert (site / "assets" / name).is_file()


def test_pages_keep_human_text_as_text_and_drop_markers(example_site):
    _, site = example_site
    text = (site / "tasks.html").read_text()
    assert "Team notes" in text and "Hand-written:" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "drizzle-doc:begin" not in text  # the markers are comments of the Markdown only
    assert 'href="er.html#t=public.tasks"' in text  # its place in the diagram
    assert "```mermaid" not in text and "erDiagram" not in text


def test_links_point_at_html_pages_and_rebased_source_files(example_site):
    project, site = example_site
    text = (site / "tasks.html").read_text()
    hrefs = re.findall(r'href="([^"]+)"', text)
    md_links = [h for h in hrefs if h.split("#")[0].endswith(".md")]
    assert md_links == []
    for h in hrefs:
        if "://" in h or h.startswith("#"):
            continue
        target = (site / h.split("#")[0]).resolve()
        assert target.exists(), f"{h} leads to {target}, which does not exist"
    assert any(h.startswith("../../../server/src/models/") for h in hrefs)  # source lines, from the site


def test_site_is_deterministic_and_removes_only_its_own_files(example_site, tmp_path):
    project, _ = example_site
    out = tmp_path / "s"
    assert run("site", "--out", str(out), cwd=project).exit_code == 0
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "mine.txt").write_text("a human's file")
    (out / "ghost.html").write_text("old")
    (out / MANIFEST).write_text((out / MANIFEST).read_text() + "ghost.html\n../outside.txt\n")
    (tmp_path / "outside.txt").write_text("keep")
    r = run("site", "--out", str(out), cwd=project)
    assert r.exit_code == 0 and "1 removed" in r.output and "0 written" in r.output
    again = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "mine.txt"}
    assert again == first
    assert (out / "mine.txt").exists() and (tmp_path / "outside.txt").exists() and not (out / "ghost.html").exists()


def test_hostile_table_and_column_names_are_escaped(tmp_path):
    models = tmp_path / "server/src/models"
    models.mkdir(parents=True)
    (models / "x.ts").write_text(
        'import { pgTable, text } from "drizzle-orm/pg-core";\n'
        'export const t = pgTable("a</script><img src=x onerror=alert(1)>", {\n'
        '  c: text("<b>col</b>"),\n});\n')
    r = run("site", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    site = tmp_path / "docs/data/site"
    data = (site / "assets/er-data.js").read_text()
    assert "</script>" not in data and "<\\/script>" in data
    for page in site.glob("*.html"):
        assert "<img src=x" not in page.read_text() and "<b>col</b>" not in page.read_text()


# -- in a real browser ---------------------------------------------------------------------------

def _browser():
    if CHROMIUM is None or importlib.util.find_spec("playwright") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium (apt-get install chromium) and playwright (pip) are required in CI")
        pytest.skip("chromium or playwright missing: apt-get install chromium; pip install playwright")
    from playwright.sync_api import sync_playwright

    return sync_playwright()


def _open(p, url: str):
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return browser, page, errors


def _check_er(page, site: Path, expected_keys: set[str], column: str, shot: str) -> None:
    page.wait_for_selector("body[data-er-ready='1']", timeout=60_000)
    keys = set(page.eval_on_selector_all("a.node", "els => els.map(e => e.getAttribute('data-key'))"))
    assert keys == expected_keys  # every table has its box
    page.fill("#er-search", column)
    found = page.locator("#er-results button").all_inner_texts()
    assert found and all(column in f for f in found)
    assert page.locator("a.node.match").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot))


def test_browser_example(example_site):
    project, site = example_site
    keys = {f"public.{p.stem}" for p in (project / "docs/data/schemas").glob("*.md")} - {"public.README"}
    with _browser() as p:
        browser, page, errors = _open(p, (site / "er.html").as_uri())
        try:
            _check_er(page, site, keys, "email", "site-example.png")
            # the toggle: all columns shows every column, table names none
            page.check("input[name='er-mode'][value='all']")
            assert page.locator("a.node text.col").count() == sum(
                len(t["columns"]) for t in page.evaluate("window.DRIZZLE_DOC_ER.tables"))
            page.check("input[name='er-mode'][value='names']")
            assert page.locator("a.node text.col").count() == 0
            # a search result centres its table and highlights its neighbours
            page.fill("#er-search", "organization_id")
            page.locator("#er-results button", has_text="projects.organization_id").click()
            assert page.locator("a.node.self").get_attribute("data-key") == "public.projects"
            assert "public.organizations" in page.eval_on_selector_all("a.node.near", "els => els.map(e => e.dataset.key)")
            # clicking a box opens its page; the page links back to its place in the diagram
            page.fill("#er-search", "")
            page.locator("a.node[data-key='public.users']").click()
            page.wait_for_url(re.compile(r"/users\.html$"))
            assert page.locator("h1").first.inner_text().strip().startswith("users")
            page.locator("p.er-place a").click()
            page.wait_for_selector("body[data-er-ready='1']")
            assert page.locator("a.node.self").get_attribute("data-key") == "public.users"
            page.screenshot(path=str(ARTIFACTS / "site-example-users.png"))
            assert errors == []
        finally:
            browser.close()


def test_browser_1000_tables(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from gen_project import generate
    finally:
        sys.path.pop(0)
    project = tmp_path / "big"
    generate(1000, project)
    r = run("site", "--out", str(tmp_path / "site"), cwd=project)
    assert r.exit_code == 0, r.output
    data = (tmp_path / "site/assets/er-data.js").read_text()
    keys = set(re.findall(r'"key":"([^"]+)"', data))
    assert len(keys) == 1000
    with _browser() as p:
        browser, page, errors = _open(p, (tmp_path / "site/er.html").as_uri())
        try:
            _check_er(page, tmp_path / "site", keys, "created_at", "site-1000.png")
            assert errors == []
        finally:
            browser.close()
