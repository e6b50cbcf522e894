"""`drizzle-doc init`: a starter drizzle-doc.toml and the npm scripts, nothing else lost."""

from __future__ import annotations

import json
import os
import sys

from click.testing import CliRunner

from drizzle_doc.cli import cli
from drizzle_doc.commands.init import starter_toml
from drizzle_doc.project.settings import RULE_DEFAULTS, load_settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PKG = """{
    "name": "app",
    "private": true,
    "scripts": {
        "build": "tsc",
        "db:generate": "drizzle-kit generate"
    },
    "dependencies": {
        "drizzle-orm": "0.45.4"
    },
    "prettier": {"semi": false}
}
"""


def init(root, *args):
    """``init --root ROOT`` run by someone standing in ROOT (paths are printed from there)."""
    here = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(cli, ["init", "--root", str(root), *args])
    finally:
        os.chdir(here)


def test_starter_toml_is_valid_and_has_every_rule():
    data = tomllib.loads(starter_toml())
    assert data["rules"] == RULE_DEFAULTS and data["out"] == "docs/data/schemas"


def test_init_writes_config_and_scripts_keeping_package_json(tmp_path):
    (tmp_path / "package.json").write_text(PKG)
    r = init(tmp_path)
    assert r.exit_code == 0, r.output
    assert "created drizzle-doc.toml" in r.output and "updated package.json" in r.output
    settings = load_settings(tmp_path)  # the written file validates
    assert settings.source == "drizzle-doc.toml"
    text = (tmp_path / "package.json").read_text()
    data = json.loads(text)
    assert list(data) == ["name", "private", "scripts", "dependencies", "prettier"]
    assert data["scripts"] == {"build": "tsc", "db:generate": "drizzle-kit generate",
                               "db:docs": "drizzle-doc generate", "db:docs:check": "drizzle-doc check"}
    assert data["dependencies"] == {"drizzle-orm": "0.45.4"} and data["prettier"] == {"semi": False}
    assert text.endswith("}\n") and '\n    "name": "app"' in text  # indentation kept (4 spaces)


def test_init_is_idempotent_and_keeps_existing(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"db:docs": "custom docs"}}, indent=2))
    (tmp_path / "drizzle-doc.toml").write_text('[rules]\nfk-index = "off"\n')
    r = init(tmp_path)
    assert r.exit_code == 0
    assert (tmp_path / "drizzle-doc.toml").read_text() == '[rules]\nfk-index = "off"\n'
    data = json.loads((tmp_path / "package.json").read_text())
    assert data["scripts"] == {"db:docs": "custom docs", "db:docs:check": "drizzle-doc check"}
    assert "kept your script 'db:docs'" in r.output
    before = (tmp_path / "package.json").read_text()
    assert init(tmp_path).exit_code == 0
    assert (tmp_path / "package.json").read_text() == before
    assert init(tmp_path, "--force").exit_code == 0
    assert "uuid-pk" in (tmp_path / "drizzle-doc.toml").read_text()


def test_init_without_package_json_and_with_settings_in_package_json(tmp_path):
    r = init(tmp_path)
    assert r.exit_code == 0 and (tmp_path / "drizzle-doc.toml").is_file()
    assert "no package.json" in r.output and not (tmp_path / "package.json").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "package.json").write_text(json.dumps({"drizzle-doc": {}}))
    r = init(other)
    assert r.exit_code == 0 and not (other / "drizzle-doc.toml").exists()
    assert "db:docs" in json.loads((other / "package.json").read_text())["scripts"]


def test_init_broken_package_json_is_a_usage_error(tmp_path):
    (tmp_path / "package.json").write_text("{ not json")
    r = init(tmp_path)
    assert r.exit_code == 2 and "not valid JSON" in r.output
    assert (tmp_path / "package.json").read_text() == "{ not json"
    assert not (tmp_path / "drizzle-doc.toml").exists()
