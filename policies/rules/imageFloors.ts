/**
 * Security floors: the oldest release of each application that has no known advisory applying to
 * it. One table for the pack's `image-security-floor`, `pluto lint` (same rules) and `pluto doctor`
 * (the versions actually running). Mandatory for the images a stranger on the internet reaches
 * (Open WebUI and oauth2-proxy on the sign-in path, n8n whose webhook and chat routes are public);
 * advisory for the rest (LiteLLM listens only inside the task).
 *
 * Raise a floor when an advisory is published: the evidence column says where each came from.
 */
import { Container, RawFinding, TaskRule, isUnknown, quote } from "./types";
import { settingNames } from "./settings";
import { isDecoyProxy, isOauth2Proxy, isOpenWebui } from "./identity";
import { imageTag } from "./images";

export interface SecurityFloor {
  /** The application, as messages name it. */
  app: string;
  /** The image repositories it is published as (the reference without registry host and tag). */
  repository: RegExp;
  /** The oldest safe release. */
  minimum: string;
  /** The advisories fixed up to `minimum`. */
  advisories: string[];
  /** Reachable from the internet: a finding is mandatory; otherwise advisory. */
  internetFacing: boolean;
  /** When the advisories were last looked up. */
  checked: string;
  /** Where the floor comes from. */
  evidence: string;
}

export const SECURITY_FLOORS: readonly SecurityFloor[] = [
  {
    app: "Open WebUI",
    repository: /(^|\/)open-webui$/,
    minimum: "0.11.1",
    advisories: [
      "v0.10.1 Security Advisory (knowledge-base write access, API-key permissions, text-to-speech permission, model access)",
      "v0.10.2 Security Advisory (access-control fixes, some withheld)",
      "v0.11.1 Security Advisory (knowledge search past access lists, document decompression bombs)",
    ],
    internetFacing: true,
    checked: "2026-12-07",
    evidence:
      'release notes of v0.10.1, v0.10.2 and v0.11.1 ("Security Advisory" sections, quoted in dependency-update pull requests); none found for v0.11.2-v0.11.4',
  },
  {
    app: "oauth2-proxy",
    repository: /(^|\/)oauth2-proxy$/,
    minimum: "7.15.3",
    advisories: [
      "GHSA-5hvv-m4w4-gf6v (health-check User-Agent bypass, critical)",
      "GHSA-7x63-xv5r-3p2x (X-Forwarded-Uri bypass, critical)",
      "GHSA-pxq7-h93f-9jrg (fragment in allowed routes)",
      "GHSA-c5c4-8r6x-56w3 (multi-@ email validation bypass)",
      "GHSA-f24x-5g9q-753f (session fixation)",
      "CVE-2026-32283 and the Go CVEs fixed by v7.15.3's toolchain",
    ],
    internetFacing: true,
    checked: "2026-12-07",
    evidence: "CHANGELOG.md at tag v7.15.3 (v7.15.2 security-audit release; v7.15.3 Go 1.26.4)",
  },
  {
    app: "n8n",
    repository: /(^|\/)n8n$/,
    minimum: "2.30.1",
    advisories: [
      "CVE-2026-42228 / GHSA-f77h-j2v7-g6mw (unauthenticated chat WebSocket attaches to any execution; fixed 2.18.1)",
      "CVE-2026-42233 / GHSA-r6jc-mpqw-m755 (fixed 2.18.1)",
      "GHSA-x5vx-c2c8-m3w9 (privilege escalation; fixed 2.29.8 / 2.30.1)",
      "GHSA-p3rg-hrf9-w9gj, GHSA-9wcp-9r3j-383q (stored XSS), GHSA-g3r5-9h93-4j2c (TOCTOU) (fixed 2.29.8 / 2.30.1)",
    ],
    internetFacing: true,
    checked: "2026-12-07",
    evidence: "github/advisory-database pull requests #8757-#8762 (fixed ranges <2.29.8, >=2.30.0 <2.30.1) and issue 18's CVE list",
  },
  {
    app: "LiteLLM",
    repository: /(^|\/)litellm(-database|-non_root)?$/,
    minimum: "1.84.0",
    advisories: [
      "CVE-2026-49468 / GHSA-4xpc-pv4p-pm3w (Host-header authentication bypass on the proxy; fixed 1.84.0)",
      "CVE-2026-47101 / GHSA-qrc4-49gv-mv9m (internal_user creates keys beyond its role; fixed 1.83.14)",
    ],
    internetFacing: false,
    checked: "2026-12-07",
    evidence: "dependency-update pull requests citing the advisories (fixed in 1.84.0)",
  },
];

/** The repository of an image reference: without registry host, tag or digest. */
export function imageRepository(image: string): string {
  let ref = image.trim().split("@")[0];
  const lastSlash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split("/");
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) parts.shift();
  return parts.join("/").toLowerCase();
}

/** The release an image tag names (`v0.11.4`, `0.8.2-cuda`, `2.41.1`, `main-v1.80.11-stable.1`), or undefined. */
export function releaseOf(tag: string | undefined): number[] | undefined {
  const m = tag === undefined ? null : /^(?:[a-z]+-)?v?(\d+)\.(\d+)(?:\.(\d+))?(?:$|[-+._])/i.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareReleases(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** The floor that applies to an image, by its repository or, failing that, by what the container is. */
export function floorFor(image: string, c?: Container): SecurityFloor | undefined {
  const repo = imageRepository(image);
  const byRepo = SECURITY_FLOORS.find((f) => f.repository.test(repo));
  if (byRepo || !c) return byRepo;
  // A private-registry copy is still the application it is configured as.
  if (isOpenWebui(c)) return SECURITY_FLOORS[0];
  if (isOauth2Proxy(c) && !isDecoyProxy(c)) return SECURITY_FLOORS[1];
  if (settingNames(c).some((n) => n.startsWith("N8N_"))) return SECURITY_FLOORS[2];
  return undefined;
}

export interface FloorVerdict {
  floor: SecurityFloor;
  /** The release read from the tag; undefined when the reference names none (digest only). */
  release?: number[];
  below: boolean;
}

/** How an image reference stands against its floor; undefined when no floor applies. */
export function checkImageFloor(image: string, c?: Container): FloorVerdict | undefined {
  if (isUnknown(image) || image.trim() === "") return undefined;
  const floor = floorFor(image, c);
  if (!floor) return undefined;
  // `repo:tag@sha256:...` still names its release; a bare digest does not.
  const tagPart = image.includes("@") ? image.split("@")[0] : image;
  const { tag } = imageTag(tagPart);
  const release = releaseOf(tag);
  if (!release) return { floor, below: false };
  return { floor, release, below: compareReleases(release, releaseOf(floor.minimum)!) < 0 };
}

export function floorMessage(what: string, v: FloorVerdict): string {
  const f = v.floor;
  return `${what} runs ${f.app} ${v.release!.join(".")}, below its security floor ${f.minimum} (${f.internetFacing ? "reachable from the internet" : "inside the task"}): known advisories apply — ${f.advisories.join("; ")} (checked ${f.checked}). Fix: pin ${f.app} ${f.minimum} or later.`;
}

/** Images below their security floor. A digest-only reference names no release: `pluto doctor` reads the one running. */
export const imageSecurityFloor: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers) {
    if (c.image === undefined) continue;
    const v = checkImageFloor(c.image, c);
    if (!v || !v.below) continue;
    out.push({
      container: c.name,
      ...(v.floor.internetFacing ? {} : { advisory: true }),
      message: floorMessage(`Image ${quote(c.image)} of container ${c.name}`, v),
    });
  }
  return out;
};
