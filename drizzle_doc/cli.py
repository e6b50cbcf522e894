"""The command line: a thin click layer (options, exit codes, output formats).

Library code raises typed errors (:mod:`drizzle_doc.errors`) and returns
diagnostics as data; this module turns them into text and exit codes:
0 ok, 1 findings of severity error, 2 usage or configuration error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import click

from . import __version__
from .errors import DrizzleDocError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Group(click.Group):
    """Turns library errors into clean messages and exit codes: never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DrizzleDocError as exc:
            click.echo(f"drizzle-doc: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except RecursionError:
            click.echo("drizzle-doc: error: input nested too deeply to process", err=True)
            ctx.exit(1)


def project_options(f):
    """Options shared by every command that reads a Drizzle project."""
    options = [
        click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Project (or monorepo) root. Default: the current folder."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="A drizzle.config.* to use instead of searching below --root."),
        click.option("--schema", "schema_globs", multiple=True,
                     help="Schema file, folder or glob (repeatable); overrides the config."),
        click.option("--migrations", "migrations_dir", default=None,
                     help="Migrations folder; overrides the config's `out`."),
        click.option("--casing", type=click.Choice(["snake_case", "camelCase"]), default=None,
                     help="Column name casing, as drizzle's `casing` option."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def load(root, config_path, schema_globs, migrations_dir, casing, out=None):
    """Find the projects and extract each one's schema: [(Project, Schema)]."""
    from .config import load_projects
    from .parse import extract

    projects = load_projects(
        root=root or Path.cwd(),
        config=config_path,
        schema=tuple(schema_globs) or None,
        migrations=migrations_dir,
        casing=casing,
        out=out,
    )
    return [(p, extract(p)) for p in projects]


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="drizzle-doc")
def cli():
    """PostgreSQL schema docs from Drizzle ORM sources, read statically.

    drizzle-doc never runs your TypeScript and needs neither Node nor a database.

    \b
    Example:
        drizzle-doc inspect --format text
        drizzle-doc generate
        drizzle-doc check
    """


@cli.command()
@project_options
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
def inspect(root, config_path, schema_globs, migrations_dir, casing, fmt):
    """Print the extracted schema model (tables, columns, enums, views, diagnostics).

    \b
    Example:
        drizzle-doc inspect --root fixtures/example > schema.json
        drizzle-doc inspect --format text
    """
    from .serialize import schema_json
    from .textout import schema_text

    results = load(root, config_path, schema_globs, migrations_dir, casing)
    worst = 0
    payloads = []
    for project, schema in results:
        payload = schema_json(schema)
        payload["project"] = {
            "root": project.rel(project.root) if False else ".",
            "config": project.config_file,
        }
        payload["diagnostics"] = [
            *({"severity": d.severity, "file": d.file, "line": d.line, "column": d.column,
               "message": d.message, "code": d.code or None} for d in project.diagnostics),
            *payload["diagnostics"],
        ]
        payloads.append((project, schema, payload))
        if any(d["severity"] == "error" for d in payload["diagnostics"]):
            worst = 1
    if fmt == "json":
        if len(payloads) == 1:
            click.echo(json.dumps(payloads[0][2], indent=2, ensure_ascii=False))
        else:
            click.echo(json.dumps({"version": 1, "projects": [p for _, _, p in payloads]},
                                  indent=2, ensure_ascii=False))
    else:
        for project, schema, _ in payloads:
            click.echo(schema_text(project, schema), nl=False)
    sys.exit(worst)


def main(argv: Optional[list[str]] = None) -> None:
    cli.main(args=argv, prog_name="drizzle-doc")


if __name__ == "__main__":  # pragma: no cover
    main()
