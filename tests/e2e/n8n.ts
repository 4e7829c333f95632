// A model of n8n's invitation API as n8n 2.41.1 (the pinned version) implements it, kept honest by
// tests/e2e/n8nContract.e2e.ts, which sends it and the real n8n the same requests and requires the
// same status and body shape. The e2e scenarios run against the real n8n (n8nFront.ts injects the
// faults); this model serves the fast unit-level tests. Files of n8n-io/n8n packages/cli/src, 2.41.1:
// - public-api/v1/handlers/users/users.handler.ee.ts `createUser`: POST /api/v1/users with
//   X-N8N-API-KEY, body [{email, role}], answers 201 with user.service.ts `inviteUser`'s result;
// - public-api/index.ts: the OpenAPI validator refuses a malformed address, 400 `{message:
//   "request/body/0/email must match format \"email\""}`, and `InviteUsersRequestDto` (zod) what the
//   validator lets through (non-ASCII), 400 `{message: "Invalid email"}`; no key is 401 `{message:
//   "'X-N8N-API-KEY' header required"}`, a wrong or expired one 401 `{message: "unauthorized"}`;
// - before the owner is set up no API key can exist, so a fresh install answers 401 (the 400 "You
//   must set up your own account before inviting others" of user.service.ts is unreachable there);
// - services/user.service.ts `inviteUsers`/`sendEmails`: an unknown email becomes a pending user,
//   a pending one is invited again (same user, new link), an active one is left out of the answer;
//   the link is `<editor base URL>/signup?token=<JWT, 90 days>` and is returned because no mail
//   server is configured (`emailSent: false`);
// - controllers/auth.controller.ts `resolveSignupToken` (GET /rest/resolve-signup-token) and
//   invitation.controller.ts `acceptInvitationWithToken` (POST /rest/invitations/accept): the
//   person opens the link and sets their name and password; a claimed invitation is refused.
// Faults (for the unit-level tests only): "down" closes the port, "503"/"404"/"500" answer every API
// call so, `failFor` answers an email's invitations with a status for good, and a per-email delay
// holds the answer after the user is written. A 500 carries n8n's error body, `{ message }`.
import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

export interface N8nUser {
  id: string;
  email: string;
  role: string;
  /** A pending user has no password yet (n8n's `isPending`). */
  pending: boolean;
  firstName?: string;
}

export interface InviteAttempt {
  email: string;
  status: number;
}

export type N8nAvailability = "up" | "503" | "404" | "500" | "down";

export interface FakeN8n {
  url: string;
  users: Map<string, N8nUser>;
  attempts: InviteAttempt[];
  /** The API key n8n accepts (the one the operator created in n8n). */
  apiKey: string;
  ownerSetUp: boolean;
  delayFirstResponse: Map<string, number>;
  /** Emails whose every invitation is answered with this status, before anything is written. */
  failFor: Map<string, number>;
  setAvailability(mode: N8nAvailability): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const OWNER_ID = "owner-0000";

export async function startFakeN8n(opts: { apiKey: string; editorBaseUrl: string }): Promise<FakeN8n> {
  // url.service.ts `getInstanceBaseUrl`: N8N_EDITOR_BASE_URL without its trailing slash.
  const base = opts.editorBaseUrl.replace(/\/+$/, "");
  const tokens = new Map<string, string>();
  let mode: N8nAvailability = "up";
  const state: FakeN8n = {
    url: "",
    users: new Map(),
    attempts: [],
    apiKey: opts.apiKey,
    ownerSetUp: true,
    delayFirstResponse: new Map(),
    failFor: new Map(),
    setAvailability: async () => undefined,
    reset: async () => undefined,
    close: async () => undefined,
  };
  const byId = (id: string) => [...state.users.values()].find((u) => u.id === id);

  const invite = async (email: string) => {
    let user = state.users.get(email);
    if (user && !user.pending) return undefined;
    if (!user) {
      user = { id: crypto.randomUUID(), email, role: "global:member", pending: true };
      state.users.set(email, user);
    }
    const token = `eyJ${crypto.randomBytes(24).toString("base64url")}`;
    tokens.set(token, user.id);
    return { user: { id: user.id, email, emailSent: false, role: user.role, inviteAcceptUrl: `${base}/signup?token=${token}` }, error: "" };
  };

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: http.IncomingMessage, raw: string, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://n8n");
    if (req.method === "POST" && url.pathname === "/api/v1/users") {
      let emails: string[] = [];
      try {
        emails = (JSON.parse(raw) as { email: string }[]).map((i) => String(i.email));
      } catch {
        return send(res, 400, { message: "request/body must be array" });
      }
      const reply = (status: number, body: unknown) => {
        for (const email of emails) state.attempts.push({ email, status });
        send(res, status, body);
      };
      if (mode === "503") return reply(503, { message: "Service Unavailable" });
      if (mode === "404") return reply(404, { message: "The requested resource could not be found." });
      if (mode === "500") return reply(500, { message: "Internal Server Error" });
      if (!req.headers["x-n8n-api-key"]) return reply(401, { message: "'X-N8N-API-KEY' header required" });
      if (!state.ownerSetUp || req.headers["x-n8n-api-key"] !== state.apiKey) return reply(401, { message: "unauthorized" });
      // The validator's `format: email` (ajv-formats' "fast" email pattern), then the DTO's zod check.
      const badFormat = emails.findIndex(
        (e) =>
          !/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(
            e,
          ),
      );
      if (badFormat >= 0 && /^[\x20-\x7e]*$/.test(emails[badFormat]))
        return reply(400, { message: `request/body/${badFormat}/email must match format "email"` });
      if (badFormat >= 0) return reply(400, { message: "Invalid email" });
      const failing = state.failFor.get(emails[0]);
      if (failing) return reply(failing, { message: "Internal Server Error" });
      const invited = [];
      for (const email of emails) {
        const item = await invite(email);
        if (item) invited.push(item);
      }
      const delay = state.delayFirstResponse.get(emails[0]);
      if (delay) {
        state.delayFirstResponse.delete(emails[0]);
        await new Promise((r) => setTimeout(r, delay));
      }
      return reply(201, invited);
    }
    const token =
      url.searchParams.get("token") ??
      (() => {
        try {
          return String(JSON.parse(raw).token);
        } catch {
          return "";
        }
      })();
    const invitee = byId(tokens.get(token) ?? "");
    // The editor's REST routes answer errors as `{ code, message }` (errors/http-error-serializers.ts
    // `serializeInternalRestError`), unlike the public API's `{ message }`.
    if (req.method === "GET" && url.pathname === "/rest/resolve-signup-token") {
      if (!invitee) return send(res, 400, { code: 400, message: "Invalid invite URL" });
      if (!invitee.pending) return send(res, 400, { code: 400, message: "The invitation was likely either deleted or already claimed" });
      return send(res, 200, { data: { inviter: { firstName: "Owner", lastName: "" } } });
    }
    if (req.method === "POST" && url.pathname === "/rest/invitations/accept") {
      if (!invitee || !invitee.pending) return send(res, 400, { code: 400, message: "This invite has been accepted already" });
      const { firstName } = JSON.parse(raw);
      invitee.pending = false;
      invitee.firstName = String(firstName);
      return send(res, 200, { data: { id: invitee.id, email: invitee.email, firstName: invitee.firstName } });
    }
    send(res, 404, { message: "not found" });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void handle(req, Buffer.concat(chunks).toString("utf8"), res).catch(() => send(res, 500, { message: "fake failed" })));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  state.setAvailability = async (next) => {
    mode = next;
    if (next === "down") await stopListening();
    else if (!server.listening) await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  };
  state.reset = async () => {
    state.users.clear();
    state.users.set("owner@example.com", { id: OWNER_ID, email: "owner@example.com", role: "global:owner", pending: false, firstName: "Owner" });
    tokens.clear();
    state.attempts.length = 0;
    state.delayFirstResponse.clear();
    state.failFor.clear();
    state.apiKey = opts.apiKey;
    state.ownerSetUp = true;
    await state.setAvailability("up");
  };
  state.close = stopListening;
  await state.reset();
  return state;
}

/** The token of an invitation link, as n8n's /signup page reads it. */
export function tokenOf(link: string): string {
  return new URL(link).searchParams.get("token") ?? "";
}
