// cognito-local (npm) as a child process. Its config and data live in `.cognito/` under its
// working directory, so it runs in a fresh temporary directory; its in-process API would tie it
// to this process's cwd for every later file write. It is always killed in `close()`.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { FAKE_CREDENTIALS } from "./queue";

export interface CognitoLocal {
  endpoint: string;
  client: CognitoIdentityProviderClient;
  /** The code cognito-local stored for a user (sign-up or forgot-password), as Cognito would email it. */
  confirmationCode(userPoolId: string, username: string): string;
  close(): Promise<void>;
}

export interface CognitoLocalOptions {
  /** Where cognito-local's Lambda client sends Invoke (our local Lambda endpoint). */
  lambdaEndpoint: string;
  /** Trigger name → function name, e.g. { PostConfirmation: "pluto-cognito-postconfirm" }. */
  triggerFunctions: Record<string, string>;
  startTimeoutMs?: number;
}

// ESC (\u001b) starts each colour code cognito-local prints.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const LISTENING = /Cognito Local running on (https?:\/\/[\d.]+:\d+)/;

export async function startCognitoLocal(opts: CognitoLocalOptions): Promise<CognitoLocal> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-cognito-"));
  fs.mkdirSync(path.join(cwd, ".cognito"));
  fs.writeFileSync(
    path.join(cwd, ".cognito", "config.json"),
    JSON.stringify({
      LambdaClient: { endpoint: opts.lambdaEndpoint, region: "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } },
      TriggerFunctions: opts.triggerFunctions,
      // Port 0: the OS picks a free port, which cognito-local prints once it listens.
      ServerConfig: { hostname: "127.0.0.1", port: 0 },
    }),
  );
  const child = spawn(process.execPath, [require.resolve("cognito-local/lib/bin/start.js")], {
    cwd,
    env: { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const killChild = () => child.kill("SIGKILL");
  process.once("exit", killChild);

  let endpoint: string;
  try {
    endpoint = await waitForListening(child, output, opts.startTimeoutMs ?? 15_000);
  } catch (err) {
    killChild();
    fs.rmSync(cwd, { recursive: true, force: true });
    throw err;
  }
  const client = new CognitoIdentityProviderClient({ region: "us-west-2", endpoint, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
  return {
    endpoint,
    client,
    confirmationCode(userPoolId, username) {
      const db = JSON.parse(fs.readFileSync(path.join(cwd, ".cognito", "db", `${userPoolId}.json`), "utf8"));
      const code = db.Users?.[username]?.ConfirmationCode;
      if (!code) throw new Error(`cognito-local holds no confirmation code for ${username} in ${userPoolId}`);
      return String(code);
    },
    async close() {
      client.destroy();
      process.removeListener("exit", killChild);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(killChild, 2000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(cwd, { recursive: true, force: true });
    },
  };
}

function waitForListening(child: ChildProcess, output: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`cognito-local did not start within ${timeoutMs} ms:\n${output.join("").slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8").replace(ANSI, "");
      output.push(text);
      const match = LISTENING.exec(output.join(""));
      if (match) {
        clearTimeout(timer);
        // Keep draining its output (it prints every code it "emails") without keeping it.
        child.stdout!.off("data", onData);
        child.stdout!.on("data", () => undefined);
        resolve(match[1]);
      }
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    child.once("exit", (code) => fail(new Error(`cognito-local exited (${code}) before listening:\n${output.join("").slice(-2000)}`)));
  });
}
