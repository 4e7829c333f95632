/** The pinned images of Open WebUI and oauth2-proxy (n8n's and the model gateway's are with their keys). */
import { isMovingTag } from "../../policies/rules";
import { field, KeySpec, reportLine } from "./fields";

/**
 * An image reference is pinned when it names a digest, or a tag that is not a moving one.
 * `main`/`latest`/`dev` are how the guide's stack drifted between task definitions.
 */
export function imagePinProblem(image: string): string | undefined {
  if (/\s/.test(image) || image === "") return "is not an image reference";
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "has no tag (it would pull `latest`); pin a version tag such as `:v1.2.3` or a digest";
  const tag = lastSegment.slice(colon + 1);
  if (tag === "" || isMovingTag(tag)) return `uses the moving tag \`${tag}\`; pin a version tag such as \`:v1.2.3\` or a digest`;
  return undefined;
}

/** A pinned image key; unset reads as `image`, the version the stack was tested with. */
function pinnedImage(key: string, image: string) {
  return () =>
    field<string>(image, (v, ctx) => {
      const given = typeof v === "string" ? v : "";
      const problem = imagePinProblem(given);
      if (problem === undefined) return given;
      reportLine(ctx, `pluto:${key}: ${JSON.stringify(v)} ${problem}`);
      return null;
    });
}

const OPEN_WEBUI_IMAGE = "ghcr.io/open-webui/open-webui:v0.11.4";
const OAUTH2_PROXY_IMAGE = "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3";

export const openWebUiImage: KeySpec<string> = {
  description: "The Open WebUI image, pinned to a version tag or a digest (no latest, main, …).",
  type: "string",
  default: OPEN_WEBUI_IMAGE,
  schema: pinnedImage("openWebUiImage", OPEN_WEBUI_IMAGE),
};

export const oauth2ProxyImage: KeySpec<string> = {
  description: "The oauth2-proxy image, pinned to a version tag or a digest.",
  type: "string",
  default: OAUTH2_PROXY_IMAGE,
  schema: pinnedImage("oauth2ProxyImage", OAUTH2_PROXY_IMAGE),
};
