"""drizzle-doc.toml / package.json settings: read, validated, overridden by flags; errors exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.cli import cli
from drizzle_doc.project.config import load_projects
from drizzle_doc.errors import ConfigError
from drizzle_doc.project.settings import KNOWN_KEYS, RULE_DEFAULTS, load_settings, validate, with_overrides
from tests.conftest import FIXTURES


@pytest.fixture()
def example(tmp_path) -> Path:
    dst = tmp_path / "example"
    shutil.copytree(FIXTURES / "example", dst, ignore=shutil.ignore_patterns("node_modules"))
    return dst


def test_defaults_without_settings(tmp_path):
    s = load_settings(tmp_path)
    assert s == validate({}) and s.source is None
    assert dict(s.rules) == RULE_DEFAULTS
    assert s.level("uuid-pk") == "error" and s.level("fk-index") == "warning" and s.level("primary-key") == "off"


def test_toml_is_read(tmp_path):
    (tmp_path / "drizzle-doc.toml").write_text(
        'out = "docs/db"\nrequire_descriptions = true\n[rules]\nfk-index = "off"\n'
        '[exceptions.uuid-pk]\n"public.audit" = "bigint identity"\n')
    s = load_settings(tmp_path)
    assert s.source == "drizzle-doc.toml" and s.out == "docs/db" and s.require_descriptions
    assert s.level("fk-index") == "off" and s.level("uuid-pk") == "error"
    assert [(e.rule, e.table, e.reason) for e in s.exceptions] == [("uuid-pk", "public.audit", "bigint identity")]


def test_package_json_key_is_read_and_other_keys_ignored(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps(
        {"name": "app", "scripts": {}, "drizzle-doc": {"rules": {"timestamps": "warning"}}}))
    s = load_settings(tmp_path)
    assert s.source == "package.json" and s.level("timestamps") == "warning"


def test_both_sources_is_an_error(tmp_path):
    (tmp_path / "drizzle-doc.toml").write_text("")
    (tmp_path / "package.json").write_text(json.dumps({"drizzle-doc": {}}))
    with pytest.raises(ConfigError, match="keep one of them"):
        load_settings(tmp_path)


@pytest.mark.parametrize("data, match", [
    ({"colour": True}, "unknown key 'colour'; valid keys: " + ", ".join(KNOWN_KEYS)),
    ({"rules": {"uuid": "error"}}, "unknown rule 'uuid' in `rules`; valid rules: uuid-pk, timestamps"),
    ({"rules": {"uuid-pk": "fatal"}}, "level must be one of error, warning, off"),
    ({"exceptions": {"uuid-pk": {"t": ""}}}, "needs a reason"),
    ({"exceptions": {"bogus": {"t": "x"}}}, "unknown rule 'bogus' in `exceptions`"),
    ({"require_descriptions": "yes"}, "true or false"),
    ({"split_threshold": 0}, "positive integer"),
])
def test_invalid_settings_name_the_valid_ones(data, match):
    with pytest.raises(ConfigError) as exc:
        validate(data, "drizzle-doc.toml")
    assert match in str(exc.value) and str(exc.value).startswith("drizzle-doc.toml: ")


def test_unknown_key_exits_2_listing_valid_keys(example):
    (example / "drizzle-doc.toml").write_text('outt = "docs"\n')
    r = CliRunner().invoke(cli, ["check", "--root", str(example)])
    assert r.exit_code == 2
    assert "unknown key 'outt'" in r.output and "valid keys: out, require_descriptions, rules" in r.output


def test_bad_toml_exits_2(example):
    (example / "drizzle-doc.toml").write_text("rules = [\n")
    r = CliRunner().invoke(cli, ["check", "--root", str(example)])
    assert r.exit_code == 2 and "not valid TOML" in r.output


def test_project_settings_filled_and_out_applied_unless_flag(example):
    (example / "drizzle-doc.toml").write_text('out = "docs/db"\n[rules]\nfk-index = "off"\n')
    [p] = load_projects(example)
    assert p.out == "docs/db" and p.settings == validate({"out": "docs/db", "rules": {"fk-index": "off"}},
                                                         "drizzle-doc.toml")
    assert p.settings.source == "drizzle-doc.toml" and p.settings.level("fk-index") == "off"
    [q] = load_projects(example, out=str(example / "elsewhere"))
    assert q.out == "elsewhere"


def test_flags_override_file(example):
    s = validate({"rules": {"fk-index": "off"}})
    o = with_overrides(s, require_descriptions=True, rules={"fk-index": "error"})
    assert o.level("fk-index") == "error" and o.require_descriptions
    with pytest.raises(ConfigError, match="valid rules"):
        with_overrides(s, rules={"nope": "off"})
    # end to end: the file turns fk-index off, --rule turns it back on as an error
    (example / "drizzle-doc.toml").write_text('[rules]\nfk-index = "off"\n')
    assert CliRunner().invoke(cli, ["check", "--root", str(example)]).exit_code == 0
    r = CliRunner().invoke(cli, ["check", "--root", str(example), "--rule", "fk-index=error"])
    assert r.exit_code == 1 and "[fk-index]" in r.output
    assert CliRunner().invoke(cli, ["check", "--root", str(example), "--rule", "fk-index"]).exit_code == 2
    assert CliRunner().invoke(cli, ["check", "--root", str(example), "--rule", "x=off"]).exit_code == 2
