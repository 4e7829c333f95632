import type { UserType } from "@aws-sdk/client-cognito-identity-provider";

export const POOL = "eu-west-1_Ab12Cd34E";
export const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/pluto-user-provisioning";

/**
 * A member as ListUsers returns it for a Google sign-in: username `google_<id>`, status
 * EXTERNAL_PROVIDER, attributes from the identity provider's mapping. Member `i` joined on
 * 2026-01-0i at 10:00 UTC. An attribute given as "" is left out.
 */
export function member(i: number, attrs: Record<string, string> = {}, extra: Partial<UserType> = {}): UserType {
  const sub = `0000000${i}-aaaa-bbbb-cccc-${String(i).padStart(12, "0")}`;
  const base: Record<string, string> = { sub, email: `user${i}@example.com`, email_verified: "true", name: `User ${i}`, ...attrs };
  return {
    Username: `google_10${i}`,
    Enabled: true,
    UserStatus: "EXTERNAL_PROVIDER",
    UserCreateDate: new Date(Date.UTC(2026, 0, i, 10)),
    Attributes: Object.entries(base)
      .filter(([, v]) => v !== "")
      .map(([Name, Value]) => ({ Name, Value })),
    ...extra,
  };
}
