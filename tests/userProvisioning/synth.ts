import * as path from "path";
import { synthesize, SynthResource } from "../../cli/synth/harness";
import { Stack } from "../helpers/stack";

const PROGRAM = path.join(__dirname, "program.ts");

/** Synthesises the UserProvisioning-only test program under Pulumi mocks. */
export async function synthProvisioning(config: Record<string, string> = {}): Promise<Stack> {
  return new Stack(await synthesize({ program: PROGRAM, config: { "aws:region": "us-west-2", ...config } }));
}

/** The `__index.js` text of a CallbackFunction's code archive, taken from the raw (Pulumi asset) inputs. */
export async function archiveAssets(fn: SynthResource): Promise<Record<string, string>> {
  const archive = fn.rawInputs.code as { assets: Promise<Record<string, { text: Promise<string> }>> };
  const assets = await archive.assets;
  const out: Record<string, string> = {};
  for (const [name, asset] of Object.entries(assets)) out[name] = await asset.text;
  return out;
}
