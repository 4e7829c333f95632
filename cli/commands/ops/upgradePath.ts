/**
 * Which Open WebUI version moves are allowed in one `pluto upgrade`, from the image references alone.
 *
 * What upstream says (open-webui/docs at 1eea3847, August 2026):
 * - docs/troubleshooting/manual-database-migration.md: the schema is one Alembic chain that every
 *   start walks to its head (`alembic upgrade head`), and "a major version jump" is recovered by
 *   stepping through the chain; no release names a version that must be passed through. So
 *   0.8.2 → 0.11.x is one start that applies the 0.9 (async backend) and 0.10 (`config` renamed
 *   to `config_old`, per-key config table, docs/reference/database-schema.md) migrations in order.
 * - docs/troubleshooting/multi-replica.mdx, "Updates and Migrations": only one process may migrate,
 *   old and new versions must never serve one database, and "there is no general zero-downtime path
 *   across a schema change". The migrations only go forward: an older image cannot run a newer schema
 *   (getting-started/updating.mdx, "Rolling Back", restores a backup for that).
 *
 * So the path check refuses downgrades and unversioned targets, and `REQUIRED_STOPS` (empty today)
 * is where a release that upstream says must be passed through would go.
 */
import { isMovingTag } from "../../../policies/rules";

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/**
 * Versions a move must stop at, oldest first: when upstream documents "upgrade to X first", X goes
 * here and a move across it is split into two runs of `pluto upgrade`. None is documented up to v0.11.2.
 */
export const REQUIRED_STOPS: readonly Version[] = [];

/** `ghcr.io/open-webui/open-webui:v0.8.2` → its tag `v0.8.2`; undefined without one (digests included). */
export function imageTag(image: string): string | undefined {
  if (image.includes("@")) return undefined;
  const name = image.slice(image.lastIndexOf("/") + 1);
  const colon = name.lastIndexOf(":");
  return colon >= 0 ? name.slice(colon + 1) : undefined;
}

/** The release version of an Open WebUI image tag (`v0.11.2`, `0.11.2`, `v0.11.2-cuda`), or undefined. */
export function imageVersion(image: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-[A-Za-z0-9.]+)?$/.exec(imageTag(image) ?? "");
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export const formatVersion = (v: Version): string => `${v.major}.${v.minor}.${v.patch}`;

export type UpgradePath = { ok: true; from?: Version; to: Version; note?: string } | { ok: false; reason: string };

/** Whether `pluto upgrade` may move the running image `from` to `to` in one run. */
export function upgradePath(fromImage: string, toImage: string, stops: readonly Version[] = REQUIRED_STOPS): UpgradePath {
  const toTag = imageTag(toImage);
  if (toTag !== undefined && isMovingTag(toTag))
    return { ok: false, reason: `--to ${toImage} is the floating tag :${toTag}; pin a release (e.g. :v0.11.2) so that the snapshot names what it precedes` };
  const to = imageVersion(toImage);
  if (!to) return { ok: false, reason: `--to ${toImage} has no release tag (vX.Y.Z); pluto upgrade needs one to check the path from ${fromImage}` };
  if (fromImage === toImage) return { ok: false, reason: `the service already runs ${toImage}; nothing to upgrade` };
  const from = imageVersion(fromImage);
  if (!from)
    return {
      ok: true,
      to,
      note: `the running image ${fromImage} has no release tag: the path to ${formatVersion(to)} cannot be checked, and the snapshot is the only way back`,
    };
  const order = compareVersions(from, to);
  if (order > 0)
    return {
      ok: false,
      reason: `${formatVersion(from)} → ${formatVersion(to)} is a downgrade: Open WebUI's migrations only go forward, so the older version cannot run the newer schema. Go back by restoring the snapshot taken before the upgrade (docs/upgrades.md)`,
    };
  if (order === 0) return { ok: false, reason: `${fromImage} and ${toImage} are the same release ${formatVersion(to)}; nothing to migrate` };
  const stop = stops.find((s) => compareVersions(s, from) > 0 && compareVersions(s, to) < 0);
  if (stop)
    return {
      ok: false,
      reason: `upstream requires a stop at ${formatVersion(stop)} between ${formatVersion(from)} and ${formatVersion(to)}: run pluto upgrade to ${formatVersion(stop)} first`,
    };
  return { ok: true, from, to };
}
