// Loaded with `node --require` into a measured child when GNU time is missing: writes the process's
// peak resident set size (KB, the kernel's ru_maxrss) and CPU seconds (user + system) to
// $PLUTO_BENCH_RSS_FILE as JSON when it exits.
const fs = require("fs");

process.on("exit", () => {
  const file = process.env.PLUTO_BENCH_RSS_FILE;
  if (!file) return;
  const usage = process.resourceUsage();
  fs.writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
});
