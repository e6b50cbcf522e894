"""Generate a synthetic but realistic Drizzle (drizzle-orm/pg-core) project with N tables.

The output looks like a large application's models folder:

- ``src/db/schema/mNNNN_<domain>.ts``: about 10 tables per file, JSDoc on tables,
  most columns and some indexes; foreign keys to tables of the same file and of
  earlier files (imported), self references (``(): AnyPgColumn => t.id``),
  junction tables with a composite primary key, ``relations()`` blocks;
- both column forms (builder imports ``uuid("id")`` and the callback
  ``(t) => ({ id: t.uuid("id") })``) and both third-argument forms (array
  ``(t) => [...]`` and the older object ``(t) => ({...})``) with ``index``,
  ``uniqueIndex``, ``unique``, ``foreignKey`` and ``check`` with ``sql``;
- ``src/db/schema/enums.ts``: ``pgEnum`` declarations used across files;
- ``src/db/columns.ts``: shared ``...timestamps`` / ``...softDelete`` spreads;
- ``src/db/schema/index.ts``: a barrel re-exporting every models file;
- ``drizzle.config.ts`` pointing at the barrel, migrations in ``./drizzle``.

Deterministic: the same (tables, seed) always gives byte-identical files.
The output is accepted by the pinned drizzle-kit (see ``bench/run.py``).

Usage: ``python bench/gen_project.py --tables 1000 --dest bench/out/projects/t1000``
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

TABLES_PER_FILE = 10

DOMAINS = [
    "billing", "catalog", "inventory", "orders", "shipping", "accounts", "auth", "crm",
    "support", "analytics", "marketing", "payments", "hr", "payroll", "projects", "content",
    "media", "search", "notify", "audit", "compliance", "pricing", "reviews", "loyalty",
    "partners", "vendors", "warehouse", "fleet", "scheduling", "learning",
]
NOUNS = [
    "account", "address", "agent", "asset", "batch", "booking", "campaign", "card", "carrier",
    "category", "channel", "charge", "claim", "contact", "contract", "coupon", "credit",
    "customer", "device", "discount", "document", "entry", "event", "export", "feature",
    "feedback", "file", "grant", "group", "import", "invoice", "item", "job", "ledger",
    "lead", "license", "line", "location", "log", "member", "message", "metric", "note",
    "offer", "order", "package", "payment", "period", "plan", "policy", "price", "product",
    "profile", "quote", "rate", "receipt", "refund", "region", "report", "request", "role",
    "route", "rule", "schedule", "segment", "session", "setting", "shipment", "sku", "slot",
    "source", "stock", "subscription", "tag", "task", "team", "template", "ticket", "token",
    "transfer", "trip", "unit", "usage", "vendor", "visit", "webhook", "workflow", "zone",
]
ATTRS = [
    "name", "title", "code", "label", "summary", "notes", "reference", "external_id", "email",
    "phone", "url", "locale", "currency", "country", "source", "channel", "kind", "color",
    "priority", "position", "quantity", "amount", "total", "balance", "weight", "score",
    "rating", "attempts", "version", "is_active", "is_default", "is_archived", "verified",
    "starts_on", "ends_on", "due_on", "published_at", "expires_at", "last_seen_at",
    "metadata", "settings", "payload", "tags", "checksum", "ip_address", "description",
]
DOC_PHRASES = [
    "Shown to customers in the dashboard.", "Used by the nightly reconciliation job.",
    "Set by the importer; never edited by hand.", "Optional; empty until the first sync.",
    "Kept for the audit trail.", "Indexed for the admin search page.",
    "Copied from the upstream system.", "Computed when the row is saved.",
]
ENUM_VALUES = [
    ["draft", "active", "archived"], ["pending", "approved", "rejected"],
    ["low", "normal", "high", "urgent"], ["open", "in_progress", "closed"],
    ["email", "sms", "push", "webhook"], ["daily", "weekly", "monthly", "yearly"],
    ["queued", "running", "succeeded", "failed"],
]


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


@dataclass
class TableInfo:
    var: str
    name: str
    file_index: int
    id_kind: str  # "uuid" | "integer" | "bigint" | "" (junction: no id)


@dataclass
class EnumInfo:
    var: str
    name: str
    values: list[str]


@dataclass
class FileBuf:
    index: int
    stem: str
    pg: set = field(default_factory=set)  # names imported from drizzle-orm/pg-core
    orm: set = field(default_factory=set)  # names imported from drizzle-orm
    shared: set = field(default_factory=set)  # names imported from ../columns
    enums: set = field(default_factory=set)
    foreign: dict = field(default_factory=dict)  # file stem -> set of table vars
    types: set = field(default_factory=set)  # type-only pg-core imports
    body: list = field(default_factory=list)


def fk_column_builder(id_kind: str, col: str, callback: bool) -> tuple[str, str]:
    """(expression start, pg-core import) for a column referencing an id of ``id_kind``."""
    prefix = "t." if callback else ""
    if id_kind == "uuid":
        return f'{prefix}uuid("{col}")', "uuid"
    if id_kind == "integer":
        return f'{prefix}integer("{col}")', "integer"
    return f'{prefix}bigint("{col}", {{ mode: "number" }})', "bigint"


def attr_column(rng: random.Random, attr: str, callback: bool) -> tuple[str, str, bool]:
    """(expression, pg-core import, numeric?) for a plain attribute column."""
    p = "t." if callback else ""
    if attr in ("name", "title", "label", "email", "phone", "url", "reference", "external_id", "code",
                "checksum", "color"):
        length = {"code": 32, "color": 16, "phone": 32, "checksum": 64}.get(attr, rng.choice([120, 200, 255]))
        expr = f'{p}varchar("{attr}", {{ length: {length} }})'
        if attr in ("name", "title", "code") or rng.random() < 0.3:
            expr += ".notNull()"
        return expr, "varchar", False
    if attr in ("summary", "notes", "description", "source", "channel", "kind"):
        expr = f'{p}text("{attr}")'
        if attr == "kind":
            expr += '.notNull().default("standard")'
        return expr, "text", False
    if attr in ("locale", "currency", "country"):
        size = {"locale": 10, "currency": 3, "country": 2}[attr]
        return f'{p}char("{attr}", {{ length: {size} }}).notNull()', "char", False
    if attr in ("priority", "position", "quantity", "attempts", "version", "rating"):
        default = {"version": 1}.get(attr, 0)
        return f'{p}integer("{attr}").notNull().default({default})', "integer", True
    if attr in ("amount", "total", "balance"):
        expr = f'{p}numeric("{attr}", {{ precision: 12, scale: 2 }}).notNull().default("0")'
        return expr, "numeric", True
    if attr in ("weight", "score"):
        return f'{p}doublePrecision("{attr}")', "doublePrecision", True
    if attr.startswith(("is_",)) or attr == "verified":
        default = "true" if attr == "is_active" else "false"
        return f'{p}boolean("{attr}").notNull().default({default})', "boolean", False
    if attr.endswith("_on"):
        return f'{p}date("{attr}")', "date", False
    if attr.endswith("_at"):
        return f'{p}timestamp("{attr}", {{ withTimezone: true }})', "timestamp", False
    if attr in ("metadata", "settings", "payload"):
        expr = f'{p}jsonb("{attr}").$type<Record<string, unknown>>()'
        if rng.random() < 0.5:
            expr += ".notNull().default({})"
        return expr, "jsonb", False
    if attr == "tags":
        return f'{p}text("{attr}").array().notNull().default([])', "text", False
    if attr == "ip_address":
        return f'{p}inet("{attr}")', "inet", False
    return f'{p}text("{attr}")', "text", False


class Generator:
    def __init__(self, tables: int, seed: int):
        self.n = tables
        self.rng = random.Random(f"drizzle-doc-bench:{seed}:{tables}")
        self.tables: list[TableInfo] = []
        self.used_names: set[str] = set()
        n_enums = max(3, tables // 25)
        self.enums = [
            EnumInfo(camel(f"{DOMAINS[i % len(DOMAINS)]}_{NOUNS[(i * 7) % len(NOUNS)]}_status{i // 30 or ''}"),
                     f"{DOMAINS[i % len(DOMAINS)]}_{NOUNS[(i * 7) % len(NOUNS)]}_status{i // 30 or ''}",
                     ENUM_VALUES[i % len(ENUM_VALUES)])
            for i in range(n_enums)
        ]

    def table_name(self, domain: str) -> str:
        for _ in range(20):
            name = f"{domain}_{self.rng.choice(NOUNS)}s"
            if name not in self.used_names:
                break
        k = 2
        base = name
        while name in self.used_names:
            name = f"{base}_{k}"
            k += 1
        self.used_names.add(name)
        return name

    def doc(self, text: str, indent: str, multiline: bool = False, tags: tuple = ()) -> str:
        if multiline:
            extra = "".join(f"{indent} * {t}\n" for t in tags)
            return (f"{indent}/**\n{indent} * {text}\n{indent} *\n{indent} * {self.rng.choice(DOC_PHRASES)}\n"
                    f"{extra}{indent} */\n")
        return f"{indent}/** {text} */\n"

    def pick_targets(self, f: FileBuf, local: list[TableInfo], count: int) -> list[TableInfo]:
        """Tables with an id to reference: from this file (earlier) or earlier files."""
        earlier = [t for t in self.tables[max(0, len(self.tables) - 200):] if t.id_kind]
        out = []
        for _ in range(count):
            pool = [t for t in local if t.id_kind] if (local and self.rng.random() < 0.5) else earlier
            pool = pool or earlier or [t for t in local if t.id_kind]
            if not pool:
                break
            t = self.rng.choice(pool)
            if t not in out:
                out.append(t)
        for t in out:
            if t.file_index != f.index:
                f.foreign.setdefault(self.stems[t.file_index], set()).add(t.var)
        return out

    def table(self, f: FileBuf, domain: str, local: list[TableInfo]) -> TableInfo:
        rng = self.rng
        name = self.table_name(domain)
        var = camel(name)
        callback = rng.random() < 0.15
        p = "t." if callback else ""
        junction = len(self.tables) + len(local) > 4 and rng.random() < 0.06
        id_kind = "" if junction else rng.choices(["uuid", "integer", "bigint"], [6, 3, 1])[0]
        cols: list[str] = []  # full property text (with JSDoc)
        keys: list[str] = []
        numeric_keys: list[str] = []
        text_keys: list[str] = []
        ind = "    "

        def add(key: str, expr: str, doc: str | None):
            chunk = (self.doc(doc, ind) if doc else "") + f"{ind}{key}: {expr},\n"
            cols.append(chunk)
            keys.append(key)

        if id_kind == "uuid":
            add("id", f'{p}uuid("id").primaryKey().defaultRandom()', "Primary key.")
            f.pg.add("uuid")
        elif id_kind == "integer":
            add("id", f'{p}integer("id").primaryKey().generatedAlwaysAsIdentity()', "Primary key.")
            f.pg.add("integer")
        elif id_kind == "bigint":
            add("id", f'{p}bigserial("id", {{ mode: "number" }}).primaryKey()', "Primary key.")
            f.pg.add("bigserial")

        fks: list[tuple[str, TableInfo]] = []
        n_fk = 2 if junction else rng.choices([0, 1, 2, 3], [3, 4, 2, 1])[0]
        table_level_fk = None
        for target in self.pick_targets(f, local, n_fk):
            col = f"{target.name.rstrip('s')}_id"
            if camel(col) in keys:
                continue
            expr, imp = fk_column_builder(target.id_kind, col, callback)
            f.pg.add(imp)
            if junction:
                expr += ".notNull()"
            if not junction and table_level_fk is None and rng.random() < 0.1:
                table_level_fk = (camel(col), target)
            else:
                action = rng.choice(["", "", ', { onDelete: "cascade" }', ', { onDelete: "set null" }',
                                     ', { onDelete: "restrict", onUpdate: "cascade" }'])
                if "set null" in action and ".notNull()" in expr:
                    action = ', { onDelete: "cascade" }'
                expr += f".references(() => {target.var}.id{action})"
            if rng.random() < 0.4 and not junction:
                expr += ".notNull()"
            add(camel(col), expr, f"The {target.name.rstrip('s').replace('_', ' ')} this row belongs to."
                if rng.random() < 0.8 else None)
            fks.append((camel(col), target))

        if junction and len(fks) < 2:
            junction = False  # fall back to a plain table with a key
            id_kind = "uuid"
            cols.insert(0, self.doc("Primary key.", ind) + f'{ind}id: {p}uuid("id").primaryKey().defaultRandom(),\n')
            keys.insert(0, "id")
            f.pg.add("uuid")

        if id_kind and rng.random() < 0.05:
            expr, imp = fk_column_builder(id_kind, "parent_id", callback)
            f.pg.add(imp)
            f.types.add("AnyPgColumn")
            add("parentId", f"{expr}.references((): AnyPgColumn => {var}.id)", "Parent row, for trees.")

        for attr in rng.sample(ATTRS, rng.randint(3, 9)):
            key = camel(attr)
            if key in keys:
                continue
            expr, imp, numeric = attr_column(rng, attr, callback)
            f.pg.add(imp)
            words = attr.replace("_", " ")
            doc = None
            if rng.random() < 0.7:
                doc = f"{words[:1].upper() + words[1:]}. {rng.choice(DOC_PHRASES)}"
            add(key, expr, doc)
            if numeric:
                numeric_keys.append(key)
            elif imp in ("varchar", "text") and ".array()" not in expr:
                text_keys.append(key)

        if rng.random() < 0.4:
            e = rng.choice(self.enums)
            f.enums.add(e.var)
            add("status", f'{e.var}("status").notNull().default("{e.values[0]}")', "Lifecycle state.")
            text_keys.append("status")

        if not callback and rng.random() < 0.15:
            # No name given: the column is named after its key.
            f.pg.add("text")
            add("displayName", "text()", "Name shown in lists.")

        spreads = []
        if rng.random() < 0.8:
            spreads.append("timestamps")
        if rng.random() < 0.2:
            spreads.append("softDelete")
        for s in spreads:
            f.shared.add(s)
            cols.append(f"{ind}...{s},\n")
        if "timestamps" in spreads:
            keys += ["createdAt", "updatedAt"]

        # Third argument: constraints and indexes.
        extras: list[tuple[str, str, str | None]] = []  # (object key, expression, doc)
        if junction:
            f.pg.add("primaryKey")
            extras.append(("pk", f"primaryKey({{ columns: [t.{fks[0][0]}, t.{fks[1][0]}] }})", None))
        if fks and rng.random() < 0.6:
            k = fks[0][0]
            f.pg.add("index")
            extras.append((f"{k}Idx", f'index("{name}_{camel_to_snake(k)}_idx").on(t.{k})',
                           "Lookups by parent." if rng.random() < 0.4 else None))
        if table_level_fk:
            k, target = table_level_fk
            f.pg.add("foreignKey")
            extras.append((f"{k}Fk", "foreignKey({\n      columns: [t.%s],\n      foreignColumns: [%s.id],\n"
                           '      name: "%s_%s_fk",\n    }).onDelete("cascade")'
                           % (k, target.var, name, camel_to_snake(k)), None))
        if text_keys and rng.random() < 0.5:
            k = rng.choice(text_keys)
            if rng.random() < 0.5:
                f.pg.add("uniqueIndex")
                extras.append((f"{k}Uq", f'uniqueIndex("{name}_{camel_to_snake(k)}_uq").on(t.{k})',
                               "One row per value." if rng.random() < 0.5 else None))
            else:
                f.pg.add("unique")
                other = [x for x in keys if x not in (k, "id")]
                cols_on = f"t.{k}" + (f", t.{other[0]}" if other else "")
                extras.append((f"{k}Unique", f'unique("{name}_{camel_to_snake(k)}_key").on({cols_on})', None))
        if "createdAt" in keys and rng.random() < 0.3:
            f.pg.add("index")
            extras.append(("createdIdx", f'index("{name}_created_at_idx").on(t.createdAt.desc())', None))
        if numeric_keys and rng.random() < 0.5:
            k = rng.choice(numeric_keys)
            f.pg.add("check")
            f.orm.add("sql")
            extras.append((f"{k}Check", f'check("{name}_{camel_to_snake(k)}_check", sql`${{t.{k}}} >= 0`)',
                           "Never negative." if rng.random() < 0.5 else None))

        fn = "pgTable"
        f.pg.add(fn)
        out = []
        # Tables outside drizzle-doc's assumptions say why (as a project adopting `check` would).
        tags = []
        if not (id_kind == "uuid" or (junction and all(t.id_kind == "uuid" for _, t in fks[:2]))):
            tags.append("@drizzle-doc-exception uuid-pk keyed by an integer identity from the legacy system")
        if "timestamps" not in spreads:
            tags.append("@drizzle-doc-exception timestamps append-only rows, never updated")
        out.append(self.doc(f"{name.replace('_', ' ').capitalize()} of the {domain} module.", "",
                            multiline=True, tags=tags))
        export = "export "
        col_open = "(t) => ({\n" if callback else "{\n"
        col_close = "  })" if callback else "  }"
        if extras:
            out.append(f'{export}const {var} = {fn}(\n  "{name}",\n  {col_open}')
            out.append("".join(cols))
            out.append(f"{col_close},\n")
            object_form = rng.random() < 0.35
            if object_form:
                out.append("  (t) => ({\n")
                for k, e, d in extras:
                    out.append((self.doc(d, "    ") if d else "") + f"    {k}: {e},\n")
                out.append("  }),\n);\n")
            else:
                out.append("  (t) => [\n")
                for k, e, d in extras:
                    out.append((self.doc(d, "    ") if d else "") + f"    {e},\n")
                out.append("  ],\n);\n")
        else:
            body = "".join(line[2:] + "\n" for c in cols for line in c.splitlines())
            out.append(f'{export}const {var} = {fn}("{name}", {col_open}')
            out.append(body)
            out.append(f"{col_close[2:]});\n")
        info = TableInfo(var, name, f.index, id_kind)

        if fks and rng.random() < 0.3:
            f.orm.add("relations")
            rels = []
            for k, target in fks:
                rel = camel(target.name.rstrip("s"))
                if rel in ("id",) or any(r.startswith(f"  {rel}:") for r in rels):
                    continue
                rels.append(f"  {rel}: one({target.var}, {{ fields: [{var}.{k}], references: [{target.var}.id] }}),\n")
            out.append(f"\nexport const {var}Relations = relations({var}, ({{ one }}) => ({{\n" + "".join(rels) + "}));\n")
        f.body.append("".join(out))
        return info

    def render_file(self, f: FileBuf) -> str:
        lines = []
        if f.orm:
            lines.append(f'import {{ {", ".join(sorted(f.orm))} }} from "drizzle-orm";\n')
        lines.append(f'import {{ {", ".join(sorted(f.pg))} }} from "drizzle-orm/pg-core";\n')
        if f.types:
            lines.append(f'import type {{ {", ".join(sorted(f.types))} }} from "drizzle-orm/pg-core";\n')
        if f.shared:
            lines.append(f'import {{ {", ".join(sorted(f.shared))} }} from "../columns";\n')
        if f.enums:
            lines.append(f'import {{ {", ".join(sorted(f.enums))} }} from "./enums";\n')
        for stem in sorted(f.foreign):
            lines.append(f'import {{ {", ".join(sorted(f.foreign[stem]))} }} from "./{stem}";\n')
        return "".join(lines) + "\n" + "\n".join(f.body)

    def write(self, dest: Path) -> dict:
        n_files = max(1, (self.n + TABLES_PER_FILE - 1) // TABLES_PER_FILE)
        self.stems = [f"m{i:04d}_{DOMAINS[i % len(DOMAINS)]}" for i in range(n_files)]
        files: dict[str, str] = {}
        remaining = self.n
        for i in range(n_files):
            count = min(remaining, TABLES_PER_FILE if i < n_files - 1 else remaining)
            remaining -= count
            f = FileBuf(i, self.stems[i])
            local: list[TableInfo] = []
            domain = DOMAINS[i % len(DOMAINS)]
            for _ in range(count):
                local.append(self.table(f, domain, local))
            self.tables.extend(local)
            files[f"src/db/schema/{f.stem}.ts"] = self.render_file(f)
        enum_lines = ['import { pgEnum } from "drizzle-orm/pg-core";\n']
        for e in self.enums:
            vals = ", ".join(f'"{v}"' for v in e.values)
            enum_lines.append(f"\n/** {e.name.replace('_', ' ').capitalize()}. */\n"
                              f'export const {e.var} = pgEnum("{e.name}", [{vals}]);\n')
        files["src/db/schema/enums.ts"] = "".join(enum_lines)
        files["src/db/schema/index.ts"] = "// Barrel: every models file.\n" + "".join(
            f'export * from "./{s}";\n' for s in ["enums", *self.stems])
        files["src/db/columns.ts"] = (
            'import { timestamp } from "drizzle-orm/pg-core";\n\n'
            "/** Audit timestamps shared by most tables: `...timestamps`. */\n"
            "export const timestamps = {\n"
            "  /** When the row was created. */\n"
            '  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),\n'
            "  /** When the row was last changed. */\n"
            '  updatedAt: timestamp("updated_at", { withTimezone: true })\n'
            "    .notNull()\n"
            "    .defaultNow()\n"
            "    .$onUpdate(() => new Date()),\n"
            "};\n\n"
            "/** Soft deletion: `...softDelete`. */\n"
            "export const softDelete = {\n"
            "  /** Set when the row is deleted; hidden from queries. */\n"
            '  deletedAt: timestamp("deleted_at", { withTimezone: true }),\n'
            "};\n"
        )
        files["drizzle.config.ts"] = (
            'import { defineConfig } from "drizzle-kit";\n\n'
            "export default defineConfig({\n"
            '  dialect: "postgresql",\n'
            '  schema: "./src/db/schema/index.ts",\n'
            '  out: "./drizzle",\n'
            "});\n"
        )
        files["package.json"] = (
            '{\n  "name": "bench-project-%d",\n  "private": true,\n'
            '  "dependencies": { "drizzle-kit": "0.31.11", "drizzle-orm": "0.45.4" }\n}\n' % self.n
        )
        if dest.exists():
            shutil.rmtree(dest)
        for rel, text in files.items():
            path = dest / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return {"tables": len(self.tables), "files": len(files), "enums": len(self.enums),
                "bytes": sum(len(t.encode()) for t in files.values())}


def camel_to_snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


def generate(tables: int, dest: Path, seed: int = 1) -> dict:
    """Write a project with ``tables`` tables into ``dest`` (replaced); return counts."""
    return Generator(tables, seed).write(Path(dest))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", type=int, default=100)
    ap.add_argument("--dest", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    info = generate(args.tables, args.dest, args.seed)
    print(f"{args.dest}: {info['tables']} tables in {info['files']} files, {info['enums']} enums, "
          f"{info['bytes'] / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
