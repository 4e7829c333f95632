// Mocha loads the TypeScript sources through ts-node with SWC: transpiling every spec and the
// program is most of the suite's start-up, and SWC does it several times faster than TypeScript.
// Only the tests use it. `pluto synth` and the Pulumi CLI transpile with TypeScript, so what they
// serialise into Lambda archives (and what the bench measures) is exactly what would be uploaded.
require("ts-node").register({ transpileOnly: true, swc: true });
