import type { ProvisioningMessage } from "./message";
import { N8N_INVITE_VALIDITY } from "./n8n";

/** One notification to the administrators (an SNS message, delivered as an email). */
export interface Notice {
  subject: string;
  body: string;
}

/** What the n8n step produced for the notice; absent when n8n is not deployed. */
export type N8nStep =
  { state: "invited"; emailSent: boolean; acceptUrl?: string; unsafeLink?: boolean } | { state: "member" } | { state: "refused"; reason: string };

/**
 * SNS email subjects must be ASCII, without line breaks or control characters, and under 100
 * characters (docs.aws.amazon.com/sns/latest/api/API_Publish.html, `Subject`).
 */
export function snsSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii;
}

/**
 * The administrators' notice of a new member. When n8n returned an invitation link (no mail
 * server), the notice carries it for an administrator to forward: that is how the person can
 * accept the invitation at all.
 */
export function newMemberNotice(member: ProvisioningMessage, appUrl: string, n8n?: N8nStep): Notice {
  const lines = [
    `${member.name} <${member.email}> has joined ${appUrl}.`,
    "",
    `Open WebUI: their account is created when they first sign in (role "user"). Cognito user: ${member.sub}.`,
  ];
  if (n8n?.state === "member") {
    lines.push("", "n8n: they already have an n8n account; nothing to do.");
  } else if (n8n?.state === "refused") {
    lines.push(
      "",
      `n8n: refused to invite ${member.email} for good ("${n8n.reason}"); nothing will retry it. Invite them by hand from n8n's Users page under an address n8n accepts, or tell them why they have no n8n account.`,
    );
  } else if (n8n?.state === "invited" && n8n.emailSent) {
    lines.push("", "n8n: invited; n8n emailed them the invitation.");
  } else if (n8n?.state === "invited" && n8n.acceptUrl) {
    lines.push(
      "",
      `n8n: invited. n8n sends no email, so forward this invitation link to ${member.email} (valid for ${N8N_INVITE_VALIDITY}; whoever holds it can claim the invitation, so send it to them alone):`,
      n8n.acceptUrl,
    );
  } else if (n8n?.state === "invited" && n8n.unsafeLink) {
    lines.push(
      "",
      "n8n: invited, but the link n8n returned is not an https link, so it is not passed on (check N8N_EDITOR_BASE_URL). Copy the invite link from n8n's Users page.",
    );
  } else if (n8n?.state === "invited") {
    lines.push(
      "",
      "n8n: invited, but n8n returned no link and sent no email (N8N_INVITE_LINKS_EMAIL_ONLY without a mail server?). Copy the invite link from n8n's Users page.",
    );
  }
  return { subject: snsSubject(`New member: ${member.email}`), body: lines.join("\n") };
}
