import { AllowList, isAllowed, lacksWorkspace } from "./allowList";
import type { PreSignUpEvent } from "./events";
import type { Logger } from "./log";

/**
 * What the person reads when Cognito refuses their sign-up. Cognito wraps a trigger's error as
 * `PreSignUp failed with error <message>.`: in the SignUp API's UserLambdaValidationException,
 * and for a federated (Google) sign-in in the `error_description` of the redirect to the app's
 * callback URL (docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoint-idp-responses.html).
 * Fixed texts on purpose: nothing the person sent is echoed into a URL or a page.
 */
export const REFUSAL = {
  notAllowed: "This workspace is invite-only and your email address is not on its allow-list. Ask an administrator to add it.",
  unverified: "Your Google account's email address is not verified. Verify it with Google, then sign in again.",
  unreadable: "Sign-up refused: the request did not carry a readable email address.",
  notWorkspace:
    "This workspace admits your organisation's addresses only with its Google Workspace accounts, and the Google account you chose is not one (a personal account with a work address, say). Sign in with your work Google account.",
} as const;

export type RefusalReason = keyof typeof REFUSAL;

/** The error the handler throws to refuse; Cognito shows its message. */
export type SignUpRefused = Error & { name: "SignUpRefused"; reason: RefusalReason };

/**
 * A plain Error, not a subclass: Pulumi's closure serialisation turns `class X extends Error` into
 * a function whose instances are not Errors and carry no message, so Lambda would report no text.
 */
export function signUpRefused(reason: RefusalReason): SignUpRefused {
  return Object.assign(new Error(REFUSAL[reason]), { name: "SignUpRefused" as const, reason });
}

/** Google sign-ins arrive as this trigger source; `PreSignUp_SignUp` and `PreSignUp_AdminCreateUser` are the others. */
export const EXTERNAL_PROVIDER = "PreSignUp_ExternalProvider";

/**
 * Where the Google `hd` claim arrives: the Google identity provider maps `hd` to this custom
 * attribute (components/identity.ts), and for `PreSignUp_ExternalProvider` Cognito passes the
 * mapped attributes in `request.userAttributes`
 * (docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
 */
export const HOSTED_DOMAIN_ATTRIBUTE = "custom:hd";

export interface PreSignUpDeps {
  allowList: AllowList;
  log: Logger;
}

/** The part after the `@`, for logs (the address itself is personal data the logs do not need). */
function domainOf(email: unknown): string | null {
  if (typeof email !== "string") return null;
  const at = email.lastIndexOf("@");
  return at >= 0
    ? email
        .slice(at + 1)
        .trim()
        .toLowerCase() || null
    : null;
}

/**
 * Cognito PreSignUp handler: who may join is decided here, before any account exists.
 * - Every trigger source is checked against the allow-list (the same matching oauth2-proxy
 *   applies on every request, `functions/allowList.ts`).
 * - A federated sign-in must also carry `email_verified=true` from the identity provider's
 *   mapping: an unverified address is only a claim, and a domain allow-list would otherwise
 *   admit anyone who types an allowed address into an IdP account.
 * - With `requireGoogleWorkspace`, a Google sign-in admitted only by its domain must come from
 *   that domain's Google Workspace (`hd` equal to the email's domain): a consumer Google account
 *   registered with a company address (a former employee's, say) is refused.
 * - An event it cannot read (not an object, no `PreSignUp_` trigger source, no email) is
 *   refused: refusing is the safe side, and the person can simply try again.
 * It throws only to refuse (Cognito then fails the sign-up with the message); otherwise it
 * returns the event unchanged, never auto-confirming or auto-verifying anything.
 */
export async function handlePreSignUp<E extends PreSignUpEvent>(event: E, deps: PreSignUpDeps): Promise<E> {
  const source = typeof event?.triggerSource === "string" ? event.triggerSource : String(event?.triggerSource);
  const attributes = event?.request?.userAttributes;
  const email = attributes?.email;
  const refuse = (reason: RefusalReason): never => {
    deps.log({ level: "warn", event: "signup_refused", reason, triggerSource: source, domain: domainOf(email) });
    throw signUpRefused(reason);
  };
  if (!source.startsWith("PreSignUp_") || typeof email !== "string" || !email.includes("@")) return refuse("unreadable");
  if (!isAllowed(email, deps.allowList)) return refuse("notAllowed");
  if (source === EXTERNAL_PROVIDER && String(attributes?.email_verified).toLowerCase() !== "true") return refuse("unverified");
  // Only Google sign-ins carry `hd`. The other sources are not Google accounts and cannot sign in
  // through the app client, which offers Google alone: a self-service sign-up needs the client
  // secret and an admin-created user the operator's IAM rights.
  if (source === EXTERNAL_PROVIDER && deps.allowList.requireGoogleWorkspace && lacksWorkspace(email, attributes?.[HOSTED_DOMAIN_ATTRIBUTE], deps.allowList))
    return refuse("notWorkspace");
  deps.log({ level: "info", event: "signup_allowed", triggerSource: source, domain: domainOf(email) });
  return event;
}

/**
 * Reads the allow-list the component writes into the function's environment (JSON). Anything
 * malformed fails the cold start, so every sign-up is refused until the configuration is fixed.
 */
export function parseAllowList(raw: string | undefined): AllowList {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? "");
  } catch {
    throw new Error("the allow-list in the environment is not JSON");
  }
  const o = parsed as Partial<Record<keyof AllowList, unknown>> | null;
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string" && x.trim() !== "");
  const workspace = o?.requireGoogleWorkspace;
  if (
    !o ||
    typeof o !== "object" ||
    !strings(o.domains) ||
    !strings(o.emails) ||
    typeof o.anyGoogleAccount !== "boolean" ||
    (workspace !== undefined && typeof workspace !== "boolean")
  ) {
    throw new Error(
      "the allow-list in the environment must be {domains: string[], emails: string[], anyGoogleAccount: boolean, requireGoogleWorkspace?: boolean}",
    );
  }
  const list: AllowList = { domains: o.domains as string[], emails: o.emails as string[], anyGoogleAccount: o.anyGoogleAccount };
  return workspace === true ? { ...list, requireGoogleWorkspace: true } : list;
}
