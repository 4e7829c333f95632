/** Container images: pinned, and their versions. */
import { RawFinding, TaskRule, isUnknown, quote } from "./types";

/**
 * A tag that moves under a running service: `latest`, a branch (`main`, `dev`, …), a channel
 * (`stable`, `nightly`, `edge`), and compounds of them such as LiteLLM's `main-latest` and
 * `main-stable`. One definition for `ecs-image-pinned` and for the stack's own image config keys.
 */
export function isMovingTag(tag: string): boolean {
  return /^(latest|main|master|dev|nightly|edge|stable)(-(latest|stable|nightly|dev|edge))?$/i.test(tag);
}

/** The tag of an image reference, or undefined when it has none. A digest counts as pinned. */
export function imageTag(image: string): { tag?: string; digest: boolean } {
  if (image.includes("@sha256:")) return { digest: true };
  const lastSlash = image.lastIndexOf("/");
  const name = image.slice(lastSlash + 1);
  const colon = name.lastIndexOf(":");
  return { tag: colon >= 0 ? name.slice(colon + 1) : undefined, digest: false };
}

export const imagePinned: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const why = "a floating image changes under the service at the next task start, which is how untested versions reach users";
  for (const c of containers) {
    if (c.image === undefined || c.image.trim() === "") {
      out.push({ container: c.name, message: `Container ${c.name} has no image. Fix: set an image pinned to a version tag or digest.` });
      continue;
    }
    if (isUnknown(c.image)) {
      out.push({
        container: c.name,
        message: `The image of container ${c.name} is not known until deploy, so it could not be checked. Fix: pin a version tag or digest in the image reference.`,
      });
      continue;
    }
    const { tag, digest } = imageTag(c.image.trim());
    if (digest) continue;
    if (tag === undefined || tag === "") {
      out.push({
        container: c.name,
        message: `Image ${quote(c.image)} of container ${c.name} has no tag (means latest): ${why}. Fix: pin a version tag such as :v0.6.5 or a digest.`,
      });
    } else if (isMovingTag(tag)) {
      out.push({
        container: c.name,
        message: `Image ${quote(c.image)} of container ${c.name} uses the floating tag :${tag}: ${why}. Fix: pin a version tag or a digest.`,
      });
    }
  }
  return out;
};
