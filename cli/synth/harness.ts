import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { PlutoMocks } from "./mocks";
// Pulumi's record of pending promises: exported at run time, absent from its .d.ts (runtime/debuggable.d.ts is empty).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- no typed import exists
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises: () => [Set<Promise<unknown>>, string] };

/**
 * The one call of the (mock) resource monitor that synth intercepts, as the SDK makes it: the request
 * and a callback (`IResourceMonitorClient.registerResource` in @pulumi/pulumi's proto/resource_grpc_pb.d.ts,
 * whose other overloads the SDK does not use).
 */
interface RegisterResourceMonitor {
  registerResource(req: RegisterResourceRequest, callback: (err: Error | null, resp?: RegisterResourceResponse) => void): void;
}

/** One resource as the engine would have received it. */
export interface SynthResource {
  urn: string;
  /** The id the (mock) provider assigned. */
  id: string;
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  /** Provider reference (`urn::id`) when one was set explicitly or inherited. */
  provider?: string;
  /**
   * URNs the engine request names as dependencies: explicit `dependsOn` plus the resources behind
   * every output the inputs consume, with component dependencies already expanded by the SDK to the
   * custom resources they held at the time (see `resolveWaits` in cli/plan/graph.ts for what the
   * resource actually waits for).
   */
  dependencies: string[];
  /** URNs this resource was known by before (Pulumi `aliases`): a state entry under one of them is adopted, not replaced. */
  aliases: string[];
  /** `retainOnDelete`: `pulumi destroy` leaves the resource in the cloud. */
  retainOnDelete: boolean;
  /** `protect`: Pulumi refuses any plan that would delete or replace the resource. */
  protect: boolean;
  /** `deleteBeforeReplace`: a replacement deletes the old resource before creating the new one. */
  deleteBeforeReplace: boolean;
  /** The same, per input property (`certificateArn` → the validation's URN). */
  propertyDependencies: Record<string, string[]>;
  /** Inputs with secrets shown as "[secret]" and asset archives as `{assets: {...}}` (see `toJsonValue`). */
  inputs: Record<string, unknown>;
  /** Raw deserialised inputs (assets and archives as Pulumi objects), for tests that run Lambda code. */
  rawInputs: Record<string, unknown>;
}

export interface SynthResult {
  project: string;
  stack: string;
  resources: SynthResource[];
  outputs: Record<string, unknown>;
}

export interface SynthOptions {
  /** Flat Pulumi config, keys fully qualified (`pluto:domain`, `aws:region`). */
  config: Record<string, string>;
  /** Keys whose values are secret (they are marked secret, and shown as "[secret]"). */
  secretKeys?: string[];
  project?: string;
  stack?: string;
  /** The program's entry module; defaults to the repository's `index.ts`. */
  program?: string;
}

/**
 * @pulumi/pulumi's `computeCodePaths` (`runtime/closure/codePaths.js`) reads the whole node_modules
 * tree with @npmcli/arborist for every CallbackFunction — four per synth, a quarter of its time —
 * though its answer depends only on its options and the packages on disk, which do not change while
 * this process runs. Offline, the answer is kept per options. @pulumi/aws's CallbackFunction looks it
 * up on `pulumi.runtime` at each call (`lambda/lambdaMixins.js`), so replacing it there is enough.
 */
type CodePaths = Map<string, pulumi.asset.Asset | pulumi.asset.Archive>;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, to replace one export on it
const runtimeModule = require("@pulumi/pulumi/runtime") as { computeCodePaths: (options?: pulumi.runtime.CodePathOptions) => Promise<CodePaths> };
const computeCodePaths = runtimeModule.computeCodePaths;
const codePathsSeen = new Map<string, Promise<CodePaths>>();
export function rememberedCodePaths(options: pulumi.runtime.CodePathOptions = {}): Promise<CodePaths> {
  const key = JSON.stringify([options.extraIncludePaths ?? [], options.extraIncludePackages ?? [], options.extraExcludePackages ?? []]);
  let found = codePathsSeen.get(key);
  if (!found) {
    found = computeCodePaths(options);
    codePathsSeen.set(key, found);
    // A failure (a package.json that cannot be read) is reported every time, not remembered.
    found.catch(() => codePathsSeen.delete(key));
  }
  return found.then((paths) => new Map(paths));
}
runtimeModule.computeCodePaths = rememberedCodePaths;

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Converts deserialised engine values to plain JSON: secrets become "[secret]", assets
 * `{text}` or `{path, bytes}`, archives `{assets: {...}}` (nested archives recurse).
 */
export async function toJsonValue(v: unknown): Promise<unknown> {
  if (v === null || v === undefined || typeof v !== "object") return v;
  if (Array.isArray(v)) return Promise.all(v.map(toJsonValue));
  const o = v as Record<string, unknown>;
  if (o["4dabf18193072939515e22adb298388d"] === SECRET_SIG) return "[secret]";
  if (pulumi.asset.AssetArchive.isInstance(o)) {
    const assets = (await (v as pulumi.asset.AssetArchive).assets) as Record<string, unknown> | undefined;
    // isInstance only checks the archive flag, which FileArchive and RemoteArchive carry too.
    if (!assets) return { path: await (v as { path?: Promise<string> }).path };
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(assets).sort()) out[key] = await toJsonValue(assets[key]);
    return { assets: out };
  }
  if (pulumi.asset.Asset.isInstance(o)) {
    // StringAsset, FileAsset and RemoteAsset (@pulumi/pulumi asset/asset.d.ts) each hold one of these.
    const a = v as { text?: Promise<string>; path?: Promise<string>; uri?: Promise<string> };
    if (a.text !== undefined) return { text: await a.text };
    if (a.path !== undefined) {
      const p = await a.path;
      let bytes = 0;
      try {
        bytes = fs.statSync(p).size;
      } catch {
        /* a missing file is reported by size 0 */
      }
      return { path: p, bytes };
    }
    return { uri: await a.uri };
  }
  if (pulumi.asset.Archive.isInstance(o)) return { path: await (v as { path?: Promise<string> }).path };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) out[key] = await toJsonValue(o[key]);
  return out;
}

/** The request's per-property dependency map (`map<string, {urns}>` on the wire) as plain lists. */
function propertyDependencies(req: RegisterResourceRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const map = req.getPropertydependenciesMap?.();
  if (!map) return out;
  for (const [key, deps] of map.entries()) out[key] = [...(deps.getUrnsList?.() ?? [])].sort();
  return out;
}

async function unwrapOutputs(exports: Record<string, unknown>): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exports)) {
    if (key === "__esModule" || value === undefined) continue;
    const isSecret = pulumi.Output.isInstance(value) ? await pulumi.isSecret(value) : false;
    const resolved = await new Promise((resolve) => pulumi.output(value).apply(resolve));
    outputs[key] = isSecret ? "[secret]" : await toJsonValue(resolved);
  }
  return outputs;
}

/**
 * Evaluates the real program in-process under Pulumi's mock runtime: no engine, no cloud.
 * Config errors thrown by the program propagate unchanged, so callers can report them.
 */
export async function synthesize(opts: SynthOptions): Promise<SynthResult> {
  const project = opts.project ?? "pluto";
  const stack = opts.stack ?? "dev";
  const region = opts.config["aws:region"] ?? "us-west-2";
  pulumi.runtime.setAllConfig({ ...opts.config }, opts.secretKeys ?? []);
  await pulumi.runtime.setMocks(new PlutoMocks(region), project, stack, false);

  // One per registration; undefined when the monitor refused it.
  const records: Promise<SynthResource | undefined>[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as RegisterResourceMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    let settle!: (r: SynthResource | undefined) => void;
    let fail!: (e: unknown) => void;
    records.push(
      new Promise<SynthResource | undefined>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      }),
    );
    register(req, (err, resp) => {
      if (err || !resp) settle(undefined);
      else {
        const object = req.getObject();
        const rawInputs = object ? pulumi.runtime.deserializeProperties(object) : {};
        // An input that cannot be converted fails the synth (evaluate awaits every record).
        toJsonValue(rawInputs).then(
          (inputs) =>
            settle({
              urn: resp.getUrn(),
              id: resp.getId(),
              type: req.getType(),
              name: req.getName(),
              parent: req.getParent() || undefined,
              custom: req.getCustom(),
              provider: req.getProvider() || undefined,
              dependencies: req.getDependenciesList(),
              aliases: [
                ...req.getAliasurnsList(),
                ...req
                  .getAliasesList()
                  .map((a) => a.getUrn())
                  .filter(Boolean),
              ],
              retainOnDelete: req.getRetainondelete() === true,
              protect: req.getProtect() === true,
              deleteBeforeReplace: req.getDeletebeforereplace() === true,
              propertyDependencies: propertyDependencies(req),
              inputs: inputs as Record<string, unknown>,
              rawInputs,
            }),
          fail,
        );
      }
      callback(err, resp);
    });
  };

  // Pulumi records a full stack trace per resource; under ts-node each one is source-mapped, which
  // was a third of synth time. Positions are not needed offline, so use V8's plain traces meanwhile.
  // (A hook V8 calls, not a method: @types/node declares it as one.)
  const hook = Error as { prepareStackTrace?: unknown };
  const prepareStackTrace = hook.prepareStackTrace;
  hook.prepareStackTrace = undefined;
  try {
    return await evaluate(opts, project, stack, records);
  } finally {
    hook.prepareStackTrace = prepareStackTrace;
  }
}

async function evaluate(opts: SynthOptions, project: string, stack: string, records: Promise<SynthResource | undefined>[]): Promise<SynthResult> {
  const program = path.resolve(opts.program ?? path.join(__dirname, "..", "..", "index.ts"));
  // The program runs at import; drop it from the cache so each synth evaluates it afresh.
  delete require.cache[require.resolve(program)];
  // An exception inside an `apply` (a check that needs a value AWS returns at deployment) rejects a
  // promise nobody awaits: the resources behind it never register and their outputs never resolve.
  // `pulumi up` reports it as an error; here it must fail the synth too, not leave it waiting.
  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const onRejection = (reason: unknown) => {
    // A program synthesised earlier in this process may still register component outputs with the
    // mock monitor it ran under, which this synth's setMocks replaced: that is not this program's error.
    if (/^unknown resource urn:/.test(String((reason as Error)?.message))) return;
    fail(reason);
  };
  process.on("unhandledRejection", onRejection);
  let outputs: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program's path is known only at run time, and it must run now
    const exports = require(program) as Record<string, unknown>;
    outputs = await Promise.race([unwrapOutputs(exports), failed]);
  } catch (e) {
    // The failed program's promises stay pending forever; Pulumi would count them as leaks at exit
    // and turn the process's exit code into 1. They belong to an evaluation that is over: forget them.
    debuggable.leakedPromises();
    throw e;
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  await pulumi.runtime.disconnect();
  // Resources register asynchronously; wait until no more appear.
  let settled = -1;
  while (settled !== records.length) {
    settled = records.length;
    await Promise.all(records);
    await new Promise((r) => setImmediate(r));
  }
  const resources = (await Promise.all(records)).filter((r): r is SynthResource => r !== undefined);
  return { project, stack, resources, outputs };
}
