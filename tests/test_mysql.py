"""MySQL (issue 15): mysql-core read statically, drizzle-kit's MySQL snapshots as history, MySQL pages.

The differential test against drizzle-kit is tests/test_oracle.py (fixtures/mysql-*); these tests
cover what it cannot: history and drift from MySQL snapshots, MySQL SQL never reaching PostgreSQL's
parser, old ``driver: "mysql2"`` configs, mysqlSchema() tables and comments-sql.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from drizzle_doc.dialects import get_dialect
from drizzle_doc.dialects.mysql.snapshot import enum_values, load_snapshot
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.project.config import load_projects

REPO = Path(__file__).resolve().parent.parent
SHIPPING = REPO / "fixtures" / "mysql-shipping"


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "drizzle_doc", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def copy(tmp_path: Path, src: Path = SHIPPING) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("docs", "node_modules"))
    return dst


def test_generate_then_check_is_clean(tmp_path):
    root = copy(tmp_path)
    assert run("generate", "--root", str(root)).returncode == 0
    r = run("check", "--root", str(root))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "parse" not in r.stdout + r.stderr


def test_models_equal_their_last_snapshot():
    """The extracted models and drizzle-kit's committed snapshot describe the same schema."""
    from drizzle_doc.history.drift import compute_drift

    (project,) = load_projects(SHIPPING)
    model = extract(project)
    snap = load_snapshot(json.loads((SHIPPING / "drizzle/meta/0000_snapshot.json").read_text()))
    assert {t.name for t in snap.tables} == {t.name for t in model.tables}
    assert snap.table("carriers").primary_key.name == "carriers_id"
    assert snap.table("order_items").primary_key.composite
    assert compute_drift(model, snap) == ()


def test_a_model_change_is_drift(tmp_path):
    root = copy(tmp_path)
    schema = root / "src/db/schema.ts"
    schema.write_text(schema.read_text().replace('varchar("name", { length: 120 })', 'varchar("name", { length: 200 })'))
    r = run("check", "--root", str(root), "--format", "json")
    assert r.returncode == 1
    findings = json.loads(r.stdout)["findings"]
    assert any("carriers" in (f.get("table") or "") and "varchar(200)" in f["message"] for f in findings), findings


def test_sql_without_snapshot_is_replayed_never_a_postgres_parse_error(tmp_path):
    root = tmp_path / "p"
    (root / "src").mkdir(parents=True)
    (root / "drizzle.config.ts").write_text('export default { dialect: "mysql", schema: "./src/s.ts", out: "./drizzle" };\n')
    (root / "src/s.ts").write_text('import { int, mysqlTable } from "drizzle-orm/mysql-core";\n'
                                   'export const t = mysqlTable("t", { id: int().primaryKey().autoincrement() });\n')
    (root / "drizzle").mkdir()
    (root / "drizzle/0000_init.sql").write_text(
        "CREATE TABLE `t` (\n  `id` int AUTO_INCREMENT NOT NULL,\n  CONSTRAINT `t_id` PRIMARY KEY(`id`)\n) ENGINE=InnoDB;\n"
        "# a MySQL comment; with a ' quote\nALTER TABLE `t` COMMENT = 'x;y';\n")
    r = run("migrations", "--root", str(root))
    out = r.stdout + r.stderr
    assert r.returncode == 0, out  # read with sqlglot's MySQL parser: the table the models declare, no drift
    assert "t: table t created" in out and "t: comment on table set" in out
    assert "syntax error" not in out and "pglast" not in out and "warning" not in out


def test_old_driver_mysql2_config_is_mysql(tmp_path):
    root = tmp_path / "p"
    (root / "src").mkdir(parents=True)
    (root / "drizzle.config.js").write_text('module.exports = { driver: "mysql2", schema: "./src/s.ts" };\n')
    (root / "src/s.ts").write_text('import { serial, mysqlTable } from "drizzle-orm/mysql-core";\n'
                                   'export const t = mysqlTable("t", { id: serial().primaryKey() });\n')
    (project,) = load_projects(root)
    assert project.dialect == "mysql"
    schema = extract(project)
    col = schema.tables[0].columns[0]
    assert (col.type, col.autoincrement, schema.diagnostics) == ("serial", True, ())


def test_mysql_schema_table_is_documented_with_a_warning(tmp_path):
    root = tmp_path / "p"
    (root / "src").mkdir(parents=True)
    (root / "drizzle.config.ts").write_text('export default { dialect: "mysql", schema: "./src/s.ts" };\n')
    (root / "src/s.ts").write_text('import { int, mysqlSchema } from "drizzle-orm/mysql-core";\n'
                                   'export const archive = mysqlSchema("archive");\n'
                                   'export const t = archive.table("t", { id: int().primaryKey() });\n')
    (project,) = load_projects(root)
    schema = extract(project)
    assert [t.key for t in schema.tables] == ["archive.t"]
    assert any(d.code == "drizzle-kit-mysql-schema" and d.line == 3 for d in schema.diagnostics)


def test_comments_sql_restates_the_column_definition():
    r = run("comments-sql", "--root", str(SHIPPING))
    assert r.returncode == 0, r.stderr
    assert "ALTER TABLE `carriers` COMMENT = 'Shipping companies we hand parcels to.';" in r.stdout
    assert ("ALTER TABLE `carriers` MODIFY COLUMN `code` char(3) NOT NULL "
            "COMMENT 'Short code printed on labels, e.g. `DHL`.';") in r.stdout
    assert "COMMENT ON" not in r.stdout.replace("has no COMMENT ON", "")


def test_spelling_and_enum_values():
    mysql = get_dialect("mysql")
    assert mysql.same_type("INT(11)", "int") and mysql.same_type("decimal(12, 2)", "decimal(12,2)")
    assert not mysql.same_type("int unsigned", "int")
    assert mysql.same_expr("(now())", "now()")
    assert enum_values("enum('a','it''s')") == ("a", "it's")
