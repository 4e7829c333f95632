// `npm run test:e2e`: runs tests/e2e/*.e2e.ts with mocha, then prints one line per scenario
// (sign-ups in / users created / in DLQ / lost) and the closing `N passed, N failed`.
// Exits non-zero when any test failed.
import * as fs from "fs";
import * as path from "path";
import Mocha from "mocha";
import { formatCount, ledger } from "./ledger";
import { closeSharedRealN8n } from "./realN8n";

async function main(): Promise<number> {
  // The SDK's notice that it will require Node 22 (Lambda's nodejs22.x runtime already is) would
  // land in the middle of mocha's report; every other warning is still printed.
  process.removeAllListeners("warning");
  process.on("warning", (w) => {
    if (!`${w.name} ${w.message}`.includes("NodeVersionSupportWarning")) process.stderr.write(`${w.name}: ${w.message}\n`);
  });
  // Interrupted (Ctrl-C, a CI timeout): stop the real n8n too, which would otherwise outlive the run.
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void closeSharedRealN8n().finally(() => process.exit(signal === "SIGINT" ? 130 : 143)));
  const started = Date.now();
  const mocha = new Mocha({ reporter: "spec", timeout: 60_000 });
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".e2e.ts"))
    .sort())
    mocha.addFile(path.join(__dirname, file));
  await mocha.loadFilesAsync();
  const stats = await new Promise<{ passes: number; failures: number }>((resolve) => {
    const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }));
  });
  await closeSharedRealN8n();
  console.log("");
  for (const count of ledger) console.log(formatCount(count));
  console.log(`${stats.passes} passed, ${stats.failures} failed (${Math.round((Date.now() - started) / 1000)} s)`);
  return stats.failures > 0 || stats.passes === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
