"""Every command is documented: help text with an example, and a place in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help_with_an_example_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`drizzle-doc {name} --help` has no Example block"
    assert cli.commands[name].help and cli.commands[name].help.strip(), f"{name} has no docstring"
    assert f"drizzle-doc {name}" in README, f"README.md never mentions `drizzle-doc {name}`"


def test_usage_errors_exit_2():
    result = CliRunner().invoke(cli, ["inspect", "--format", "yaml"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
