// Test-time oracle only: parse Mermaid diagrams with the pinned mermaid package (its own parser,
// the one GitHub's renderer runs) and report which fail, for tests/test_mermaid.py.
// Usage: node mermaid-parse.mjs FILE.json   (FILE: a JSON array of diagram texts)
// -> stdout: a JSON array with, per diagram, null (parsed) or its error message.
import fs from "node:fs";
import mermaid from "mermaid";

const texts = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = [];
for (const text of texts) {
  try {
    await mermaid.parse(text);
    out.push(null);
  } catch (err) {
    out.push(String((err && err.message) || err));
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
