import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The AWS SDK v3 the Lambda Node.js runtime ships; our archives carry none of their own. */
const ROOT_SDK = path.join(__dirname, "..", "..", "node_modules", "@aws-sdk");

export type LambdaHandler = (event: unknown) => Promise<any>;

/**
 * A directory laid out like a Lambda task root: `node_modules` holds only the AWS SDK (the
 * runtime's copy), so a serialised handler that required anything else would fail to load.
 */
export function lambdaTaskRoot(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-lambda-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(ROOT_SDK, path.join(dir, "node_modules", "@aws-sdk"), "dir");
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Loads a serialised handler the way Lambda does: `__index.js` alone in the task root, with the
 * function's environment set before the module (and so its `callbackFactory`) runs. Each call
 * writes a new file, so each load is a fresh cold start with its own clients and caches.
 */
export function loadHandler(dir: string, code: string, env: Record<string, string>): LambdaHandler {
  const file = path.join(dir, `__index_${fs.readdirSync(dir).length}.js`);
  fs.writeFileSync(file, code);
  Object.assign(process.env, env);
  return require(file).handler;
}
