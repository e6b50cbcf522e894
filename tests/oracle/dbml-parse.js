// Test-time oracle only: parse DBML with the pinned @dbml/core (dbdiagram.io's parser) and print
// what it understood as JSON, for tests/test_dbml.py to compare with drizzle-doc's model.
// Usage: node dbml-parse.js FILE.dbml  -> stdout {"tables": [...], "refs": [...], "enums": [...], "groups": [...]}
// A parse error prints {"errors": [...]} and exits 1.
"use strict";
const fs = require("fs");
const { Parser } = require("@dbml/core");

const text = fs.readFileSync(process.argv[2], "utf8");
let db;
try {
  db = new Parser().parse(text, "dbmlv2");
} catch (err) {
  const diags = (err && err.diags) || [{ message: String(err) }];
  process.stdout.write(JSON.stringify({ errors: diags.map((d) => ({ message: d.message, location: d.location })) }) + "\n");
  process.exit(1);
}
const json = db.export();
const out = { project: db.name || null, tables: [], refs: [], enums: [], groups: [] };
for (const schema of json.schemas) {
  for (const t of schema.tables) {
    out.tables.push({
      schema: schema.name,
      name: t.name,
      note: t.note || null,
      columns: t.fields.map((f) => ({
        name: f.name,
        type: f.type.schemaName ? `${f.type.schemaName}.${f.type.type_name}` : f.type.type_name,
        pk: !!f.pk,
        notNull: !!f.not_null,
        unique: !!f.unique,
        increment: !!f.increment,
        default: f.dbdefault ? { type: f.dbdefault.type, value: f.dbdefault.value } : null,
        note: f.note || null,
      })),
      indexes: t.indexes.map((i) => ({
        name: i.name || null,
        unique: !!i.unique,
        pk: !!i.pk,
        type: i.type || null,
        columns: i.columns.map((c) => ({ type: c.type, value: c.value })),
      })),
    });
  }
  for (const e of schema.enums) {
    out.enums.push({ schema: schema.name, name: e.name, values: e.values.map((v) => v.name) });
  }
  for (const g of schema.tableGroups) {
    out.groups.push({ name: g.name, tables: g.tables.map((t) => `${t.schemaName || "public"}.${t.tableName}`) });
  }
  for (const r of schema.refs) {
    out.refs.push({
      name: r.name || null,
      onDelete: r.onDelete || null,
      onUpdate: r.onUpdate || null,
      endpoints: r.endpoints.map((e) => ({
        schema: e.schemaName || "public",
        table: e.tableName,
        columns: e.fieldNames,
        relation: e.relation,
      })),
    });
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
