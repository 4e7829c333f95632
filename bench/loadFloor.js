// The synth floor: a process that loads the program's dependencies the way `bin/pluto` does (ts-node
// registered with the project's tsconfig, transpile-only) and evaluates nothing of its own.
//   node bench/loadFloor.js <files.json from bench/loadProbe.js>
// Prints how many files it loaded; a file that fails to load alone is counted, not fatal.
const fs = require("fs");
const path = require("path");

require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
const files = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let loaded = 0;
let failed = 0;
for (const file of files) {
  try {
    require(file);
    loaded++;
  } catch {
    failed++;
  }
}
process.stdout.write(JSON.stringify({ loaded, failed }) + "\n");
