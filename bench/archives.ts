/** Lambda archive sizes from a `pluto synth --json` document: what would be uploaded, per function. */

export interface SynthDocumentLike {
  resources: { type: string; name: string; urn?: string; inputs: Record<string, unknown> }[];
}

export interface ArchiveSize {
  /** The function's physical name when set (the runbook's names), else its resource name. */
  name: string;
  bytes: number;
}

type AssetLike = { text?: unknown; path?: unknown; assets?: Record<string, AssetLike> };

/**
 * Bytes of an asset archive before compression (the zip only shrinks it): string assets by their
 * UTF-8 length, file assets through `sizeOfFile`, nested archives recursively.
 */
export function archiveBytes(code: AssetLike, sizeOfFile: (file: string) => number): number {
  let total = 0;
  for (const asset of Object.values(code.assets ?? {})) {
    if (typeof asset.text === "string") total += Buffer.byteLength(asset.text, "utf8");
    else if (typeof asset.path === "string") total += sizeOfFile(asset.path);
    else if (asset.assets) total += archiveBytes(asset, sizeOfFile);
  }
  return total;
}

export function archiveSizes(doc: SynthDocumentLike, sizeOfFile: (file: string) => number): ArchiveSize[] {
  return doc.resources
    .filter((r) => r.type === "aws:lambda/function:Function" && r.inputs.code && typeof r.inputs.code === "object")
    .map((r) => ({ name: typeof r.inputs.name === "string" ? r.inputs.name : r.name, bytes: archiveBytes(r.inputs.code as AssetLike, sizeOfFile) }));
}
