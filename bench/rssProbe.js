// Loaded with `node --require` into a measured child when GNU time is missing: writes the process's
// peak resident set size (KB, the kernel's ru_maxrss) to $PLUTO_BENCH_RSS_FILE as it exits.
const fs = require("fs");

process.on("exit", () => {
  const file = process.env.PLUTO_BENCH_RSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
