"""What earlier drizzle-kit 1.0 releases spelled their own way, and Cloudflare D1's flat migrations
(issue 16: scorebrawl, phoenix).

- fixtures/sqlite-kit1-beta: its migrations were written by the real drizzle-kit 1.0.0-beta.2
  (boolean defaults ``0``/``1``; a column's ``.unique()`` left out where an index is on that
  column), wrangler.jsonc names ``migrations`` for its D1 database, and each folder's SQL is also
  there as a flat copy for wrangler.  Drift follows the project's own snapshot: no finding; a real
  change is still one.
- fixtures/sqlite-d1-flat: hand-written flat ``NNNN_name.sql`` migrations (applied by wrangler:
  the config's ``driver: "d1-http"``) and one baseline folder drizzle-kit 1.0.0-rc.4 wrote (its
  SQL neutered to a comment): the flat files are its history, in file-name order; the baseline
  restates their schema as kit 1.0 spells it; without a D1 signal they stay strays.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drizzle_doc.dialects.sqlite import kit1
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.history.migrations import load_history
from drizzle_doc.model import Column, IndexColumn, Index, Table, UniqueConstraint, compare
from drizzle_doc.project.config import load_projects
from drizzle_doc.project.d1 import flat_sql_runner, wrangler_config_for

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def copy(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest)
    return dest


def history_of(root: Path):
    (p,) = load_projects(root)
    return p, load_history(p, extract(p))


def lines(history, tag: str) -> list[str]:
    [m] = [m for m in history.migrations if m.ref.tag == tag]
    return [f"{c.table.split('.', 1)[1] if c.table else '-'}: {c.summary}" for c in m.changes]


# ---------------------------------------------------------------------------
# The 1.0 beta's snapshot (scorebrawl's shape)
# ---------------------------------------------------------------------------


def test_the_beta_snapshot_spells_booleans_0_1_and_leaves_the_indexed_unique_out():
    """The fixture's snapshot is the real beta's: what the releases below are about is in it."""
    p, h = history_of(FIXTURES / "sqlite-kit1-beta")
    assert p.kit == "1"
    model = extract(p).tables_by_key()
    assert model["main.players"].column("disabled").default == "false"  # as kit 1.0 RC spells it
    assert [u.name for u in model["main.players"].uniques] == ["players_handle_unique", "players_email_unique"]
    assert h.drift == ()


def test_a_real_change_against_the_beta_snapshot_is_still_drift(tmp_path: Path):
    root = copy("sqlite-kit1-beta", tmp_path)
    schema = root / "src" / "schema.ts"
    text = schema.read_text()
    text = text.replace('integer("verified", { mode: "boolean" }).notNull().default(true)',
                        'integer("verified", { mode: "boolean" }).notNull().default(false)')
    text = text.replace('(t) => [index("players_handle_idx").on(t.handle)]', "(t) => []")
    schema.write_text(text)
    _, h = history_of(root)
    assert sorted((d.kind, d.message) for d in h.drift) == [
        ("column.default", "column players.verified default is false in the models but 1 in the migrations"),
        ("index.extra", "index players_handle_idx on players is in the migrations but not in the models"),
        ("unique.missing", "unique constraint players_handle_unique on players is in the models but in no migration"),
    ]


def _col(name: str, type_: str, default: str) -> Column:
    return Column(name, name, type_, default=default)


@pytest.mark.parametrize("migrated,model,type_,explained", [
    ("0", "false", "integer", True),
    ("1", "true", "integer", True),
    ("1", "false", "integer", False),  # a real change
    ("0", "false", "text", False),  # not an integer column
    ("false", "0", "integer", False),  # the models' 0 is a number, not the beta's spelling of one
])
def test_beta_boolean_default(migrated: str, model: str, type_: str, explained: bool):
    left, right = _col("c", type_, migrated), _col("c", type_, model)
    diff = compare.Difference("column", compare.CHANGED, "c", "default", left, right)
    t = Table("t", "main", "t", (right,))
    assert (kit1.RELEASES[0].explains(diff, t, Table("t", "main", "t", (left,))) is True) == explained


def test_rc4_column_unique_needs_a_one_column_index_on_both_sides():
    c = Column("handle", "handle", "text", unique=True)
    u = UniqueConstraint("t_handle_unique", ("handle",), from_column=True)
    plain = Index("t_handle", (IndexColumn("handle"),))
    two = Index("t_handle_2", (IndexColumn("handle"), IndexColumn("id")))
    diff = compare.Difference("unique", compare.ADDED, u.name, right=u)
    explains = kit1.RELEASES[1].explains
    with_index = Table("t", "main", "t", (c,), indexes=(plain,), uniques=(u,))
    assert explains(diff, with_index, Table("t", "main", "t", (c,), indexes=(plain,)))
    assert not explains(diff, with_index, Table("t", "main", "t", (c,)))  # the snapshot lacks the index too
    assert not explains(diff, Table("t", "main", "t", (c,), indexes=(two,), uniques=(u,)),
                        Table("t", "main", "t", (c,), indexes=(two,)))
    on = UniqueConstraint("t_handle_unique", ("handle",), from_column=False)  # unique().on(): always kept
    assert not explains(compare.Difference("unique", compare.ADDED, on.name, right=on), with_index,
                        Table("t", "main", "t", (c,), indexes=(plain,)))


# ---------------------------------------------------------------------------
# Flat SQL beside 1.0 folders
# ---------------------------------------------------------------------------


def test_wrangler_copies_of_the_folders_are_read_once():
    _, h = history_of(FIXTURES / "sqlite-kit1-beta")
    assert [m.ref.tag for m in h.migrations] == ["20261203154648_initial", "20261203154650_season_closed"]
    [d] = h.diagnostics
    assert (d.severity, d.code, d.file) == ("info", "migration-flat", "migrations")
    assert "wrangler.jsonc migrates its D1 database from this folder" in d.message
    assert "2 are copies of a folder's migration.sql (read once)" in d.message


def test_d1_flat_migrations_are_the_history_before_the_baseline():
    p, h = history_of(FIXTURES / "sqlite-d1-flat")
    assert p.driver == "d1-http"
    assert [m.ref.tag for m in h.migrations] == [
        "0000_members", "0001_posts", "0002_display_name", "0003_follows", "20261203154719_v1_baseline"]
    assert lines(h, "0002_display_name") == ["members: column name renamed to display_name",
                                             "members: data fix (UPDATE)"]
    # the baseline restates the schema: kit 1.0's key names, its unique constraints and its
    # `"created_at" DESC` are what the SQL made; only what rc.4's snapshot leaves out is a change
    assert lines(h, "20261203154719_v1_baseline") == ["members: index members_handle_unique dropped"]
    assert h.table("main.members").added_in("display_name").tag == "0000_members"
    [d] = h.diagnostics
    assert d.code == "migration-flat" and d.severity == "info"
    assert 'the drizzle config\'s driver is "d1-http"' in d.message and "4 read as migrations" in d.message
    assert h.drift == ()  # rc.4 left members.handle's .unique() out: its snapshot shows it


def test_without_d1_the_flat_files_stay_strays(tmp_path: Path):
    root = copy("sqlite-d1-flat", tmp_path)
    config = root / "drizzle.config.ts"
    config.write_text(config.read_text().replace('  driver: "d1-http",\n', ""))
    _, h = history_of(root)
    assert [m.ref.tag for m in h.migrations] == ["20261203154719_v1_baseline"]
    assert sorted((d.code, d.file) for d in h.diagnostics) == [
        ("migration-stray", f"migrations/000{i}_{n}.sql") for i, n in
        enumerate(["members", "posts", "display_name", "follows"])]


def test_wrangler_toml_env_and_migrations_dir(tmp_path: Path):
    folder = tmp_path / "db" / "migrations"
    folder.mkdir(parents=True)
    (tmp_path / "wrangler.toml").write_text(
        'name = "w"\n[[env.production.d1_databases]]\nbinding = "DB"\ndatabase_name = "w"\n'
        'migrations_dir = "db/migrations"\n')
    assert wrangler_config_for(folder, tmp_path) == tmp_path / "wrangler.toml"
    assert wrangler_config_for(tmp_path / "migrations", tmp_path) is None  # not its folder
    (tmp_path / "wrangler.toml").write_text('name = "w"\n[[d1_databases]]\nbinding = "DB"\n')  # default: migrations
    assert wrangler_config_for(folder, tmp_path) is None
    (tmp_path / "migrations").mkdir()
    assert wrangler_config_for(tmp_path / "migrations", tmp_path) == tmp_path / "wrangler.toml"


def test_a_wrangler_config_without_d1_says_nothing(tmp_path: Path):
    root = copy("sqlite-kit1-beta", tmp_path)
    (root / "wrangler.jsonc").write_text('{ "name": "league", "migrations": [{ "tag": "v1" }] }\n')
    p, h = history_of(root)
    assert flat_sql_runner(p, root / "migrations") is None  # its driver is chosen at run time: unknown
    assert sorted(d.code for d in h.diagnostics) == ["migration-stray", "migration-stray"]


def test_a_column_in_descending_order_is_its_desc_expression():
    from drizzle_doc.dialects import get_dialect

    sqlite = get_dialect("sqlite")
    c = Column("at", "at", "integer")

    def table(*cols) -> Table:
        return Table("t", "main", "t", (c,), indexes=(Index("t_at", tuple(cols)),))

    expr = IndexColumn('"at" DESC', is_expression=True)
    assert compare.compare_tables(table(IndexColumn("at", asc=False, nulls="first")), table(expr), sqlite) == []
    [diff] = compare.compare_tables(table(IndexColumn("at")), table(expr), sqlite)  # ascending: another index
    assert (diff.kind, diff.aspect) == ("index", "columns")


def test_a_kept_history_follows_the_wrangler_config(tmp_path: Path, monkeypatch):
    """The history kept between runs (issue 18) depends on the wrangler configs too: one removed,
    added back or pointed elsewhere between two runs gives what a run without the cache gives."""
    import os

    from click.testing import CliRunner

    from drizzle_doc.cli import cli
    from drizzle_doc.perf import cache

    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "cache"))
    root = copy("sqlite-kit1-beta", tmp_path)
    wrangler = root / "wrangler.jsonc"
    text = wrangler.read_text()

    def run(*args: str):
        old = os.getcwd()
        os.chdir(root)
        try:
            r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        finally:
            os.chdir(old)
        return r.exit_code, r.stdout, r.stderr

    assert run("generate")[0] == 0
    assert run("check")[0] == 0 and run("check")[0] == 0  # the second from what the first kept
    elsewhere = text.replace('"league",\n      "database_id"', '"league",\n      "migrations_dir": "sql",\n      "database_id"')
    assert elsewhere != text
    for change in (wrangler.unlink, lambda: wrangler.write_text(text), lambda: wrangler.write_text(elsewhere)):
        change()
        assert run("check") == run("check", "--no-cache")
    assert "SQL file outside the per-migration folders" in run("check")[1]  # another folder is D1's now
