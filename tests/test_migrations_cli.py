"""End to end: the real extractor's model against the drizzle-kit fixtures' migrations,
through `drizzle-doc migrations` and `drizzle-doc inspect`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

try:
    from drizzle_doc.project.config import load_projects
    from drizzle_doc.drizzle.extract import extract
except ImportError:  # pragma: no cover - until the extractor lands
    pytest.skip("drizzle_doc.project.config / drizzle_doc.drizzle.extract.extract not available yet", allow_module_level=True)

from drizzle_doc.cli import cli
from drizzle_doc.history.migrations import load_history

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MIG = "drizzle/migrations"


def history(name: str):
    (project,) = load_projects(FIXTURES / name)
    return load_history(project, extract(project))


def drift_set(h):
    return {(d.severity, d.kind, d.table, d.column or d.index or d.constraint or d.enum) for d in h.drift}


def test_config_out_is_the_migrations_folder():
    (project,) = load_projects(FIXTURES / "history-basic")
    assert load_history(project).folder == MIG


@pytest.mark.parametrize("name", ["history-basic", "sql-only"])
def test_migrated_models_have_no_drift(name):
    h = history(name)
    assert h.diagnostics == ()
    assert sorted(drift_set(h)) == []


def test_unmigrated_models_drift():
    assert drift_set(history("unmigrated")) == {
        ("error", "column.type", "public.users", "email"),
        ("error", "column.not_null", "public.users", "name"),
        ("error", "column.missing", "public.users", "phone"),
        ("warning", "column.extra", "public.users", "nickname"),
        ("error", "index.missing", "public.teams", "teams_name_idx"),
        ("warning", "index.extra", "public.teams", "teams_owner_idx"),
        ("error", "table.missing", "public.audit_log", None),
    }


def test_cli_migrations_text(monkeypatch):
    monkeypatch.chdir(FIXTURES)  # paths are printed from where the user stands
    r = CliRunner().invoke(cli, ["migrations", "--root", "history-basic"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("history-basic/drizzle/migrations (journal, 8 migrations)\n")
    assert ("0007_rename_posts_to_articles  2025-01-08  history-basic/drizzle/migrations/"
            "0007_rename_posts_to_articles.sql") in r.output
    assert "    articles: table renamed from posts to articles" in r.output
    assert "    users: trigger users_touch_trg created" in r.output
    assert str(FIXTURES) not in r.output


def test_cli_migrations_json_and_exit_code_on_drift():
    r = CliRunner().invoke(cli, ["migrations", "--root", str(FIXTURES / "unmigrated"), "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert [m["tag"] for m in data["migrations"]] == ["0000_create_users", "0001_create_teams"]
    assert {d["kind"] for d in data["drift"]} >= {"table.missing", "column.missing"}


def test_cli_inspect_gains_migration_keys():
    r = CliRunner().invoke(cli, ["inspect", "--root", str(FIXTURES / "history-basic")])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    users = next(t for t in data["tables"] if t["name"] == "users")
    assert users["migrations"]["created"] == {"tag": "0000_create_users_posts",
                                             "file": f"{MIG}/0000_create_users_posts.sql"}
    assert [c["summary"] for c in users["migrations"]["changes"]][:2] == [
        "column bio added (text)", "column name renamed to display_name"]
    cols = {c["name"]: c["addedIn"] for c in users["columns"]}
    assert cols["bio"]["tag"] == "0001_add_user_bio"
    assert cols["display_name"]["tag"] == "0000_create_users_posts"
    assert data["drift"] == []
