#!/usr/bin/env python3
"""Rebuild a fixture project's committed migrations with the pinned drizzle-kit.

Usage (from the repository root; needs `npm ci --prefix tests/oracle` once):

    python tests/oracle/regen-fixture-migrations.py fixtures/columns            # add a step
    python tests/oracle/regen-fixture-migrations.py fixtures/example --name add_priority
    python tests/oracle/regen-fixture-migrations.py --fresh fixtures/columns    # start over
    python tests/oracle/regen-fixture-migrations.py --fresh --all               # every fixture

What it does: copies the project to a temporary folder (never touching the
fixture's own tree with a node_modules link), runs
`tests/oracle/node_modules/.bin/drizzle-kit generate --config <its config>`
there, and copies back every file drizzle-kit created or changed.  Without
`--fresh` drizzle-kit diffs the models against the last committed snapshot and
adds a step only when the models changed (that is how a fixture gets a
multi-step history: edit the models, run this again with `--name`).  With
`--fresh` the committed migrations folder is deleted first and one initial
step is generated.

Projects without a drizzle.config (the `server/src/models/*.ts` +
`drizzle/migrations` layout) get a synthesised config that lists the model
files, minus any file whose first lines say `drizzle-doc-oracle: skip`.

drizzle-kit writes random snapshot ids and journal timestamps: regenerating
changes those bytes even when the SQL is the same, so only regenerate a
fixture whose models changed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    FIXTURES,
    SYNTH_CONFIG,
    FixtureProject,
    OracleError,
    copy_project,
    discover,
    find_migration_dirs,
    oracle_available,
    run_generate,
)

# Fixture folders owned by the migrations engineer, with hand-made histories:
# --all leaves them alone.
NOT_REGENERATED = ("history-", "sql-only")


def _files(root: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts and rel.parts[0] == "node_modules":
            continue
        if p.is_file() and not p.is_symlink():
            out[rel.as_posix()] = p.read_bytes()
    return out


def regen(fixture: FixtureProject, *, fresh: bool, name: str | None) -> list[str]:
    """Regenerate one project's migrations; returns the paths written (relative to it)."""
    with tempfile.TemporaryDirectory(prefix="drizzle-doc-regen-") as tmp:
        work = Path(tmp) / "project"
        config = copy_project(fixture, work)
        if fresh:
            for d in find_migration_dirs(work):
                shutil.rmtree(d)
        before = _files(work)
        print(run_generate(work, config, name=name).strip())
        after = _files(work)
        if fresh:
            for d in find_migration_dirs(fixture.path):
                shutil.rmtree(d)
        written = []
        for rel, data in after.items():
            if rel == SYNTH_CONFIG and fixture.config is None:
                continue
            if before.get(rel) != data:
                target = fixture.path / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                written.append(rel)
        return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fixtures", nargs="*", type=Path, help="fixture project folders")
    ap.add_argument("--all", action="store_true", help="every fixture project under fixtures/")
    ap.add_argument("--fresh", action="store_true", help="delete the migrations and start over")
    ap.add_argument("--name", help="migration name passed to drizzle-kit generate --name")
    args = ap.parse_args(argv)

    reason = oracle_available()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    known = {f.path.resolve(): f for f in discover()}
    if args.all:
        targets = [f for f in known.values() if not f.id.startswith(NOT_REGENERATED)]
    else:
        targets = []
        for p in args.fixtures:
            f = known.get(p.resolve())
            if f is None:
                print(f"error: {p} is not a fixture project below {FIXTURES}", file=sys.stderr)
                return 2
            targets.append(f)
    if not targets:
        ap.print_usage(sys.stderr)
        return 2
    for f in targets:
        print(f"== {f.id}")
        try:
            written = regen(f, fresh=args.fresh, name=args.name)
        except OracleError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        for rel in written:
            print(f"   wrote {f.id}/{rel}")
        if not written:
            print("   no changes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
