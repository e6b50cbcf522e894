"""Migrations drizzle-kit did not write, or whose SQL is gone (issue 16), on fixtures/history-hand:
its journal lists 0000 (SQL + snapshot) and 0001_add_teams (snapshot only: the SQL file was
deleted); drizzle/0002_audit_log.sql was written by hand and is not in the journal; the models
also have a table no migration makes.  Migrations 0000 and 0001 come from the pinned drizzle-kit.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.cli import cli
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.history.migrations import load_history, read_history
from drizzle_doc.output.history import history_json, history_text
from drizzle_doc.project.config import load_projects

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "history-hand"
NEVER = "never applied by drizzle-kit: "


@pytest.fixture(scope="module")
def loaded():
    (project,) = load_projects(FIXTURE)
    schema = extract(project)
    return project, schema, load_history(project, schema)


def test_a_table_created_where_only_the_snapshot_says_so_links_that_migration(loaded, tmp_path):
    _, _, history = loaded
    teams = history.table("teams")
    assert (teams.created.tag, teams.created.file, teams.created.snapshot) == (
        "0001_add_teams", "", "drizzle/meta/0001_snapshot.json")
    assert history.table("users").created.snapshot == ""  # a migration with its SQL names no snapshot
    out = tmp_path / "docs"
    r = CliRunner().invoke(cli, ["generate", "--root", str(FIXTURE), "--out", str(out), "--no-cache"])
    assert r.exit_code == 0, r.output
    page = (out / "teams.md").read_text()
    assert "_No migration found._" not in page
    header = next(line for line in page.splitlines() if line.startswith("**Migration:**"))
    assert header.startswith("**Migration:** [0001_add_teams](")
    assert header.endswith("/drizzle/meta/0001_snapshot.json) (snapshot only: no SQL file)")
    tables = json.loads(CliRunner().invoke(cli, ["inspect", "--format", "json", "--root", str(FIXTURE)]).stdout)["tables"]
    created = next(t for t in tables if t["name"] == "teams")["migrations"]["created"]
    assert created == {"tag": "0001_add_teams", "file": "", "snapshot": "drizzle/meta/0001_snapshot.json"}


def test_sql_outside_the_journal_is_listed_as_such(loaded):
    _, _, history = loaded
    assert history.outside_journal == ("drizzle/0002_audit_log.sql",)
    text = history_text(history)
    assert ("0002_audit_log  drizzle/0002_audit_log.sql  [outside meta/_journal.json: drizzle-kit never runs it]"
            in text.splitlines())
    assert "0001_add_teams  " in text and "(no SQL file; snapshot drizzle/meta/0001_snapshot.json)" in text
    data = history_json(history)
    assert data["outsideJournal"] == ["drizzle/0002_audit_log.sql"]
    assert [m["inJournal"] for m in data["migrations"]] == [True, True, False]


def test_drift_tells_never_applied_by_drizzle_kit_from_models_ahead_of_migrations(loaded):
    _, _, history = loaded
    got = {(d.kind, d.table, d.severity, d.outside_journal) for d in history.drift}
    assert got == {
        ("table.missing", "public.settings", "error", ()),  # the models are ahead: no SQL makes it
        ("table.missing", "public.audit_log", "warning", ("drizzle/0002_audit_log.sql",)),  # only SQL outside
    }
    audit = next(d for d in history.drift if d.table == "public.audit_log")
    assert audit.message.startswith(NEVER) and "drizzle/0002_audit_log.sql is outside it" in audit.message
    assert "generate --custom" in audit.fix
    settings = next(d for d in history.drift if d.table == "public.settings")
    assert not settings.message.startswith(NEVER) and "outsideJournal" not in json.dumps(history_json(history)["drift"][0])


def test_sql_outside_the_journal_that_makes_a_difference_says_so(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    (root / "drizzle" / "0003_hotfix.sql").write_text('ALTER TABLE "users" ADD COLUMN "phone" text;\n')
    (project,) = load_projects(root)
    history = load_history(project, extract(project))
    phone = next(d for d in history.drift if d.column == "phone")
    assert phone.kind == "column.extra" and phone.severity == "warning"
    assert phone.message.endswith("(made by drizzle/0002_audit_log.sql, drizzle/0003_hotfix.sql, outside meta/_journal.json)")
    assert phone.outside_journal == ("drizzle/0002_audit_log.sql", "drizzle/0003_hotfix.sql")
    r = CliRunner().invoke(cli, ["check", "--root", str(root), "--format", "json", "--no-cache"])
    finding = next(f for f in json.loads(r.stdout)["findings"] if f["rule"] == "drift" and "phone" in f["message"])
    assert finding["fix"].startswith("change the models or drizzle/0002_audit_log.sql, drizzle/0003_hotfix.sql to agree")


def test_without_sql_outside_the_journal_nothing_changes(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    (root / "drizzle" / "0002_audit_log.sql").unlink()
    (project,) = load_projects(root)
    history, _ = read_history(project)
    assert history.outside_journal == () and history.journal_schema is None
    history = load_history(project, extract(project))
    assert {(d.table, d.severity) for d in history.drift} == {("public.settings", "error"), ("public.audit_log", "error")}
    assert not any(d.outside_journal for d in history.drift)
