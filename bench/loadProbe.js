// Loaded with `node --require` into one `pluto synth`: as the process exits, writes to
// $PLUTO_BENCH_LOADED_FILE every dependency file it loaded (require.cache entries under
// node_modules, in load order). bench/loadFloor.js then loads exactly those, and nothing else.
const fs = require("fs");
const path = require("path");

process.on("exit", () => {
  const file = process.env.PLUTO_BENCH_LOADED_FILE;
  if (!file) return;
  const loaded = Object.keys(require.cache).filter((f) => f.split(path.sep).includes("node_modules"));
  fs.writeFileSync(file, JSON.stringify(loaded));
});
