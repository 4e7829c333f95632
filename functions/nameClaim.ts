/**
 * Cognito Pre Token Generation trigger (event version 1): puts the person's name into the ID
 * token's `preferred_username` claim, percent-encoded, for Open WebUI's trusted name header.
 *
 * Why this exists:
 * - oauth2-proxy v7.15.3 sends the `preferred_username` claim as X-Forwarded-Preferred-Username
 *   (pkg/apis/options/legacy_options.go getPreferredUsernameHeader); X-Forwarded-User is always
 *   the Cognito `sub`, a UUID (providers/provider_data.go).
 * - It sends the claim's bytes as they are (pkg/header/injector.go), so a name such as "José"
 *   travels as raw UTF-8. Open WebUI reads headers as Latin-1 (starlette/datastructures.py Headers) and then
 *   URL-decodes the name (backend/open_webui/routers/auths.py signin:
 *   `urllib.parse.unquote(name, encoding="utf-8")`): raw UTF-8 becomes "JosÃ©", while the
 *   percent-encoded "Jos%C3%A9" becomes "José".
 * - Cognito lets this trigger override `preferred_username` (only acr, amr, aud, at_hash,
 *   auth_time, azp, cognito:username, exp, iat, identities, iss, jti, nbf, nonce, origin_jti,
 *   sub and token_use are fixed), and runs it at sign-in and at every token refresh
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
 *
 * Cognito fails the sign-in when a trigger throws, so this never throws: an event it cannot use
 * is returned unchanged, and Open WebUI then falls back to the email as the name.
 *
 * Pulumi serialises `nameClaimHandler` into the Lambda archive, with the one helper it shares
 * with the onboarding messages (`forbiddenCharacter`, functions/message.ts).
 */

import { forbiddenCharacter } from "./message";

/** The fields of a version 1 Pre Token Generation event that the handler reads and writes. */
export interface PreTokenGenerationEvent {
  triggerSource?: string;
  request?: { userAttributes?: Record<string, unknown> };
  response?: {
    claimsOverrideDetails?: {
      claimsToAddOrOverride?: Record<string, string>;
      claimsToSuppress?: string[];
      groupOverrideDetails?: unknown;
    } | null;
  } | null;
}

/** The claim oauth2-proxy turns into X-Forwarded-Preferred-Username. */
export const NAME_CLAIM = "preferred_username";

/**
 * Longest name kept, in characters: percent-encoding grows a character up to 12 bytes, and the
 * header travels with every request (and in oauth2-proxy's session cookie).
 */
export const MAX_NAME_CHARACTERS = 200;

/** The person's display name from their user pool attributes (mapped from Google), or undefined. */
export function displayName(attributes: Record<string, unknown> | undefined): string | undefined {
  if (!attributes || typeof attributes !== "object") return undefined;
  const text = (v: unknown) => (typeof v === "string" ? v.replace(/\s+/g, " ").trim() : "");
  // Whitespace of any kind (tabs, line breaks) becomes one space; a candidate that still holds a
  // control, bidirectional override or unpaired surrogate is passed over, as for the onboarding
  // notice: the name is shown to every other member, and an override could make it read as
  // someone else's.
  const candidates = [text(attributes.name), [text(attributes.given_name), text(attributes.family_name)].filter(Boolean).join(" ")];
  const name = candidates.find((c) => c !== "" && forbiddenCharacter(c) === undefined);
  if (!name) return undefined;
  return Array.from(name).slice(0, MAX_NAME_CHARACTERS).join("");
}

/** The claim value: UTF-8 percent-encoded, so the header stays ASCII and Open WebUI's unquote restores it. */
export function encodeName(name: string): string | undefined {
  try {
    return encodeURIComponent(name);
  } catch {
    // A lone surrogate cannot be encoded; leave the claim alone rather than fail the sign-in.
    return undefined;
  }
}

/** The trigger. Returns the event with `preferred_username` set when the person has a name. */
export async function nameClaimHandler(event: PreTokenGenerationEvent): Promise<PreTokenGenerationEvent> {
  try {
    if (!event || typeof event !== "object") return event;
    const name = displayName(event.request?.userAttributes);
    const encoded = name === undefined ? undefined : encodeName(name);
    if (encoded === undefined) return event;
    const response = event.response && typeof event.response === "object" ? event.response : {};
    const details = response.claimsOverrideDetails && typeof response.claimsOverrideDetails === "object" ? response.claimsOverrideDetails : {};
    event.response = {
      ...response,
      claimsOverrideDetails: {
        ...details,
        claimsToAddOrOverride: { ...(details.claimsToAddOrOverride ?? {}), [NAME_CLAIM]: encoded },
      },
    };
    return event;
  } catch {
    return event;
  }
}
