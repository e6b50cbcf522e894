"""What one Drizzle project is: where its schema, migrations and docs live.

Produced by :mod:`drizzle_doc.project.config`, read by every later stage.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from drizzle_doc.model import Diagnostic
from drizzle_doc.project.settings import Settings

DEFAULT_SCHEMA_GLOBS = ("server/src/models/*.ts",)
DEFAULT_MIGRATION_DIRS = ("drizzle/migrations", "drizzle")
DEFAULT_OUT = "docs/data/schemas"


@dataclass(frozen=True, slots=True)
class Project:
    root: Path  # absolute: the folder drizzle-kit runs in; every relative path below is relative to it (posix)
    config_file: Optional[str] = None  # relative path of drizzle.config.*, if any
    # the package.json script that runs drizzle-kit with the config, setting the root:
    # (package.json relative to the root, its line, the script's name); None: no script names it
    script: Optional[tuple[str, Optional[int], str]] = None
    schema: tuple[str, ...] = DEFAULT_SCHEMA_GLOBS  # files, folders or globs, relative to root
    migrations: Optional[str] = None  # folder relative to root, or None to search the defaults
    out: str = DEFAULT_OUT  # docs folder relative to root
    dialect: str = "postgresql"
    casing: Optional[str] = None  # "snake_case" | "camelCase" | None
    # the config's ``driver`` where it is a static string ("d1-http": a Cloudflare D1 database, see
    # drizzle_doc.project.d1); beside ``dialect`` it only picks a connection, so never an error
    driver: Optional[str] = None
    schema_filter: tuple[str, ...] = ()
    tables_filter: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings, compare=False, hash=False)  # drizzle-doc.toml / package.json, validated
    diagnostics: tuple[Diagnostic, ...] = ()
    # what files in the repository may point at (see drizzle_doc.contain); None: ``root``
    boundary: Optional[Path] = None
    out_source: str = "default"  # "default" | "--out" | "drizzle-doc.toml" | "package.json"
    migrations_given: bool = False  # --migrations on the command line (trusted to lead anywhere)
    kit: str = "0"  # drizzle-kit generation: "0" (0.x) | "1" (1.0); see drizzle_doc.project.kit
    kit_source: str = "default"  # what decided it: a package.json, "drizzle-doc.toml", "snapshot", "default"
    # whether its kit applies the config's casing, as its newest 1.0 snapshot shows (a 1.0 beta
    # did, the RC does not); None: as the generation does (see project/kit.py)
    kit_casing: Optional[bool] = None
    # how its own code names its files: (specifier pattern, root-relative target), from its
    # package.json name and tsconfig.json paths (see drizzle_doc.project.imports)
    imports: tuple[tuple[str, str], ...] = ()
    # the folder the person running drizzle-doc stands in (absolute; None: the root): every path
    # a command prints is named from there (:meth:`shown`).  Not part of what the project is
    # (equality, the render cache's key): the same project seen from elsewhere
    seen_from: Optional[Path] = field(default=None, compare=False, repr=False)

    @property
    def sql_dialect(self):
        """This project's :class:`~drizzle_doc.dialects.base.Dialect` (from its ``dialect``).

        The config reader refuses (exit 2) a dialect drizzle-doc cannot read, so this is
        always a registered dialect."""
        from drizzle_doc.dialects import get_dialect

        return get_dialect(self.dialect)

    @property
    def shown_root(self) -> str:
        """The root as the person running drizzle-doc sees it: relative to :attr:`seen_from`, posix."""
        return self.shown(".") or "."

    def shown(self, path: Optional[str]) -> Optional[str]:
        """A path relative to the root (or absolute) as output prints it: relative to the folder
        drizzle-doc was run in (``src/schema.ts`` -> ``packages/db/src/schema.ts``)."""
        if not path or self.seen_from is None:
            return path
        try:
            return Path(os.path.relpath(os.path.join(self.root, path), self.seen_from)).as_posix()
        except ValueError:  # another drive
            return path

    def show(self, d: Diagnostic) -> Diagnostic:
        """``d`` with its file as output prints it (see :meth:`shown`)."""
        return replace(d, file=self.shown(d.file)) if d.file else d

    def rel(self, path: Path) -> str:
        """A path as the docs and diagnostics show it: relative to the root, posix."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def default_dialect():
    """The dialect of a project whose config names none: PostgreSQL, as drizzle-doc began."""
    from drizzle_doc.dialects import get_dialect

    return get_dialect("postgresql")
