"""`drizzle-doc init`: a starter drizzle-doc.toml and the npm scripts, nothing else lost."""

from __future__ import annotations

import json
import os
import sys

from click.testing import CliRunner

from drizzle_doc.cli import cli
from drizzle_doc.commands.init import script_command, starter_toml
from drizzle_doc.project.settings import RULE_DEFAULTS, RULE_OPTIONS, load_settings, validate

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


def _uncomment(text: str, prefixes) -> str:
    prefixes = tuple("# " + p for p in ((prefixes,) if isinstance(prefixes, str) else prefixes))
    return "\n".join(ln[2:] if ln.startswith(prefixes) else ln for ln in text.split("\n"))


def test_starter_toml_shows_every_rule_and_option_commented_at_its_default():
    text = starter_toml()
    data = tomllib.loads(text)
    assert data == {"out": "docs/data/schemas", "rules": {}, "exceptions": {}}  # nothing pinned
    for name, level in RULE_DEFAULTS.items():
        assert f'# {name} = "{level}"' in text
    # every rule line uncommented: the defaults exactly
    assert tomllib.loads(_uncomment(text, tuple(RULE_DEFAULTS)))["rules"] == RULE_DEFAULTS
    # every option table uncommented (and the rule lines left commented): valid settings
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("# [rules."))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("# Tables excepted"))
    opened = "\n".join(lines[:start] + [ln[2:] for ln in lines[start:end]] + lines[end:])
    settings = validate(tomllib.loads(opened), "drizzle-doc.toml")
    for name, specs in RULE_OPTIONS.items():
        assert {k for k, _ in settings.config(name).options} == set(specs), name
    assert settings.option("column-count", "max") == 50
    assert "# min-coverage = 80" in text and validate(tomllib.loads(_uncomment(text, "min-coverage"))).min_coverage == 80


def test_strict_starter_makes_the_assumptions_and_descriptions_errors():
    data = tomllib.loads(starter_toml(strict=True))
    assert data["rules"] == {"uuid-pk": "error", "timestamps": "error", "fk-enforced": "error",
                             "descriptions": "error"}


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
                               "db:docs": script_command("generate", tmp_path),
                               "db:docs:check": script_command("check", tmp_path)}
    assert data["dependencies"] == {"drizzle-orm": "0.45.4"} and data["prettier"] == {"semi": False}
    assert text.endswith("}\n") and '\n    "name": "app"' in text  # indentation kept (4 spaces)


def test_init_is_idempotent_and_keeps_existing(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"db:docs": "custom docs"}}, indent=2))
    (tmp_path / "drizzle-doc.toml").write_text('[rules]\nfk-index = "off"\n')
    r = init(tmp_path)
    assert r.exit_code == 0
    assert (tmp_path / "drizzle-doc.toml").read_text() == '[rules]\nfk-index = "off"\n'
    data = json.loads((tmp_path / "package.json").read_text())
    assert data["scripts"] == {"db:docs": "custom docs", "db:docs:check": script_command("check", tmp_path)}
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


def test_init_upgrades_the_scripts_older_versions_wrote(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {
        "db:docs": "drizzle-doc generate", "db:docs:check": "drizzle-doc check"}}, indent=2))
    assert init(tmp_path).exit_code == 0
    scripts = json.loads((tmp_path / "package.json").read_text())["scripts"]
    assert scripts["db:docs"] == script_command("generate", tmp_path)
    assert "kept your script" not in init(tmp_path).output


def test_script_finds_venvs_above_the_package_and_uses_from_spec(tmp_path):
    (tmp_path / ".git").mkdir()
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "drizzle-doc").write_text("#!/bin/sh\n")
    pkg = tmp_path / "packages" / "db"
    pkg.mkdir(parents=True)
    cmd = script_command("check", pkg, "drizzle-doc==0.1.0")
    assert "[ -x ../../venv/bin/drizzle-doc ] && exec ../../venv/bin/drizzle-doc check" in cmd
    assert "[ -x .venv/bin/drizzle-doc ]" in cmd
    assert "exec uvx --from 'drizzle-doc==0.1.0' drizzle-doc check" in cmd
    assert "exec pipx run --spec 'drizzle-doc==0.1.0' drizzle-doc check" in cmd
    assert "uv run" not in cmd  # no pyproject listing drizzle-doc
    (pkg / "pyproject.toml").write_text('[project]\ndependencies = ["drizzle-doc"]\n')
    assert "exec uv run drizzle-doc check" in script_command("check", pkg)


def test_from_spec_cannot_inject_shell(tmp_path):
    (tmp_path / "package.json").write_text("{}")
    r = init(tmp_path, "--from", "x'; rm -rf ~; '")
    assert r.exit_code == 2 and "not a package spec" in r.output
    assert json.loads((tmp_path / "package.json").read_text()) == {}


def test_init_generate_check_passes_on_day_one_and_strict_turns_it_up(tmp_path):
    """A project that breaks every one of the spec's assumptions, migrations current: init,
    generate, check exits 0 (warnings only); init --strict makes the same check fail."""
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "history-basic", root, ignore=shutil.ignore_patterns("node_modules", "docs"))
    assert init(root).exit_code == 0
    assert CliRunner().invoke(cli, ["generate", "--root", str(root)]).exit_code == 0
    r = CliRunner().invoke(cli, ["check", "--root", str(root), "--format", "json"])
    data = json.loads(r.output)
    assert r.exit_code == 0 and data["summary"]["errors"] == 0, r.output
    assert {"uuid-pk", "timestamps"} <= {f["rule"] for f in data["findings"]}
    assert init(root, "--strict", "--force").exit_code == 0
    r = CliRunner().invoke(cli, ["check", "--root", str(root), "--format", "json"])
    data = json.loads(r.output)
    assert r.exit_code == 1
    assert {f["rule"] for f in data["findings"] if f["severity"] == "error"} >= {"uuid-pk", "timestamps"}
    # check --strict gives the same verdict without the file
    (root / "drizzle-doc.toml").unlink()
    r = CliRunner().invoke(cli, ["check", "--root", str(root), "--strict", "--format", "json"])
    assert r.exit_code == 1 and json.loads(r.output)["summary"] == data["summary"]
