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
    assert s.level("uuid-pk") == "warning" and s.level("fk-index") == "warning" and s.level("primary-key") == "off"
    assert s.min_coverage is None and s.option("column-count", "max") == 50 and s.exclude("fk-index") == ()


def test_toml_is_read(tmp_path):
    (tmp_path / "drizzle-doc.toml").write_text(
        'out = "docs/db"\nrequire_descriptions = true\n[rules]\nfk-index = "off"\n'
        '[exceptions.uuid-pk]\n"public.audit" = "bigint identity"\n')
    s = load_settings(tmp_path)
    assert s.source == "drizzle-doc.toml" and s.out == "docs/db" and s.require_descriptions
    assert s.level("fk-index") == "off" and s.level("uuid-pk") == "warning"
    assert [(e.rule, e.table, e.reason) for e in s.exceptions] == [("uuid-pk", "public.audit", "bigint identity")]


def test_rule_tables_options_excludes_and_min_coverage(tmp_path):
    (tmp_path / "drizzle-doc.toml").write_text(
        'min-coverage = 75.5\n[rules]\nuuid-pk = { level = "error", exclude = ["audit_*", "public.legacy"] }\n'
        '[rules.column-count]\nmax = 30\n[rules.require-columns]\nlevel = "error"\n'
        'columns = ["tenantId", { name = "deletedAt", exclude = ["log_*"] }]\n[rules.name-pattern]\n')
    s = load_settings(tmp_path)
    assert s.min_coverage == 75.5
    assert (s.level("uuid-pk"), s.exclude("uuid-pk")) == ("error", ("audit_*", "public.legacy"))
    # options given to a rule off by default turn it on as a warning unless a level is given
    assert (s.level("column-count"), s.option("column-count", "max")) == ("warning", 30)
    assert s.level("name-pattern") == "warning" and s.option("name-pattern", "tables") == "[a-z][a-z0-9_]*"
    assert s.level("require-columns") == "error"
    assert s.option("require-columns", "columns") == (("tenantId", ()), ("deletedAt", ("log_*",)))
    assert s.line_of("min-coverage") == 1 and s.line_of("rules", "column-count", "max") == 5


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
    ({"rules": {"fk-index": {"level": "loud"}}}, "rule 'fk-index': level must be one of error, warning, off"),
    ({"rules": {"fk-index": {"max": 3}}}, "rule 'fk-index': unknown option 'max'; valid options: level, exclude"),
    ({"rules": {"column-count": {"max": 0}}}, "rule 'column-count': `max` must be a positive integer, not 0"),
    ({"rules": {"name-pattern": {"tables": "[a-z"}}}, "rule 'name-pattern': `tables` is not a valid regular"),
    ({"rules": {"uuid-pk": {"exclude": "audit"}}}, "`exclude` must be a list of names or globs"),
    ({"rules": {"require-columns": {"columns": [{"nam": "x"}]}}}, "each column is a name or"),
    ({"rules": {"descriptions": {"tables": "yes"}}}, "rule 'descriptions': `tables` must be true or false"),
    ({"min-coverage": 101}, "`min-coverage` must be a percentage from 0 to 100"),
    ({"min-coverage": True}, "`min-coverage` must be a percentage"),
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


BAD_TOML = """out = "docs/db"

[rules]
fk-index = "warning"
uuid = "error"
"""


@pytest.mark.parametrize("text, line, match", [
    (BAD_TOML, 5, "unknown rule 'uuid' in `rules`; valid rules: uuid-pk, timestamps"),
    ('[rules]\nfk-index = "fatal"\n', 2, "rule 'fk-index': level must be one of error, warning, off, not 'fatal'"),
    ('[rules.column-count]\nlevel = "warning"\n\nmax = -1\n', 4, "`max` must be a positive integer"),
    ('[rules]\nname-pattern = { level = "warning", tables = "(" }\n', 2, "is not a valid regular expression"),
    ('[rules]\n"timestamps".columns = [\n  1,\n]\n', 2, "each column is a name or"),
    ('\n\n[exceptions.nope]\nusers = "x"\n', 3, "unknown rule 'nope' in `exceptions`"),
    ('\n[pages]\nmanual = 3\n', 3, "`pages.manual` must be a list"),
])
def test_settings_errors_name_the_file_and_line(tmp_path, text, line, match):
    (tmp_path / "drizzle-doc.toml").write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path)
    assert str(exc.value).startswith(f"drizzle-doc.toml:{line}: ") and match in str(exc.value), str(exc.value)


def test_package_json_settings_errors_name_the_line(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps(
        {"name": "app", "scripts": {"rules": "x"}, "drizzle-doc": {"out": "docs", "rules": {"fk-index": "loud"}}},
        indent=2))
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path)
    assert str(exc.value).startswith("package.json:9: rule 'fk-index': level must be one of")
    text = (tmp_path / "package.json").read_text().splitlines()
    assert '"fk-index": "loud"' in text[8]


def test_unknown_rule_in_the_cli_names_file_and_line(example):
    (example / "drizzle-doc.toml").write_text('[rules]\nfk-index = "off"\nfk-indexes = "off"\n')
    r = CliRunner().invoke(cli, ["check", "--root", str(example)])
    assert r.exit_code == 2 and "drizzle-doc.toml:3: unknown rule 'fk-indexes'" in r.output


def test_key_lines_of_toml_and_json():
    from drizzle_doc.project.keylines import json_key_lines, line_of, toml_key_lines

    lines = toml_key_lines('a = 1\ns = """\nx = 2\n"""\nl = [\n  "k = v",\n]\n[t.u]\n"q.r" = { v = 1 }\nd.e = 2\n')
    assert lines == {("a",): 1, ("s",): 2, ("l",): 5, ("t", "u"): 8, ("t", "u", "q.r"): 9,
                     ("t", "u", "q.r", "v"): 9, ("t", "u", "d"): 10, ("t", "u", "d", "e"): 10}
    assert line_of(lines, ("t", "u", "zz")) == 8 and line_of(lines, ("zz",)) is None
    j = json_key_lines('{\n "a": {"b": [\n  {"c": 1}\n ],\n "d\\"e": 2}\n}')
    assert j == {("a",): 2, ("a", "b"): 2, ("a", 'd"e'): 5}


def test_unknown_key_exits_2_listing_valid_keys(example):
    (example / "drizzle-doc.toml").write_text('outt = "docs"\n')
    r = CliRunner().invoke(cli, ["check", "--root", str(example)])
    assert r.exit_code == 2
    assert "drizzle-doc.toml:1: unknown key 'outt'" in r.output
    assert "valid keys: out, require_descriptions, rules" in r.output


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
    strict = with_overrides(s, strict=True, rules={"uuid-pk": "warning"})
    assert [strict.level(r) for r in ("uuid-pk", "timestamps", "fk-enforced", "descriptions", "fk-index")] == \
        ["warning", "error", "error", "error", "off"]
    with pytest.raises(ConfigError, match="valid rules"):
        with_overrides(s, rules={"nope": "off"})
    # end to end: the file turns fk-index off, --rule turns it back on as an error
    (example / "drizzle-doc.toml").write_text('[rules]\nfk-index = "off"\n')
    assert CliRunner().invoke(cli, ["check", "--root", str(example)]).exit_code == 0
    r = CliRunner().invoke(cli, ["check", "--root", str(example), "--rule", "fk-index=error"])
    assert r.exit_code == 1 and "[fk-index]" in r.output
    assert CliRunner().invoke(cli, ["check", "--root", str(example), "--rule", "fk-index"]).exit_code == 2
    assert CliRunner().invoke(cli, ["check", "--root", str(example), "--rule", "x=off"]).exit_code == 2
