// What the e2e's worker calls for n8n: the real n8n (realN8n.ts) behind a thin front on 127.0.0.1
// that records each invitation's answer and produces the faults a real n8n cannot be told to
// produce. Everything else is n8n's own answer, passed through unchanged. The faults, and whose
// answer each stands for:
// - "down": the front stops listening (connection refused: n8n's task is gone);
// - "503": the ALB's answer while no healthy target is registered; "404": a wrong N8N_URL path or
//   n8n's public API turned off (N8N_PUBLIC_API_DISABLED=true unmounts /api/v1, packages/cli/src/
//   server.ts, n8n 2.41.1); "500": n8n's own error answer, `{ message }` (packages/cli/src/public-api/
//   index.ts, the router's last error handler `res.status(error.status || 400).json({ message })`,
//   the shape the real n8n gives its creation race: tests/e2e/n8nContract.e2e.ts);
// - `failFor`: an email whose every invitation is answered with a status before n8n sees it;
// - `delayFirstResponse`: n8n writes the user and answers, and the front holds that answer back
//   (a slow n8n, or a network that loses the response) once, for that email.
// The front hands n8n one invitation at a time. Concurrent invitations contend for n8n's SQLite
// database and wait in SQLite's busy handler: ten at once (the mapping's 2 batches of 5) took about
// 1 s each on this 2-CPU machine under load, one at a time 25-45 ms (n8n 2.41.1). Deployed, the
// worker's 8 s deadline holds either; the e2e's deadline is divided by the time scale and n8n's is
// not, so without the queue the scenarios would measure this machine's load. n8n's answer to real
// concurrency (the creation race) is exercised against it directly in n8nContract.e2e.ts.
import * as http from "http";
import type { AddressInfo } from "net";
import type { RealN8n } from "./realN8n";

export interface InviteAttempt {
  email: string;
  status: number;
}

export type N8nAvailability = "up" | "503" | "404" | "500" | "down";

export interface N8nUser {
  id: string;
  email: string;
  isPending: boolean;
  role: string;
}

export interface N8nFront {
  /** The front's URL: what the worker's N8N_URL points at. */
  url: string;
  /** The real n8n behind it (its own URL, owner session, API key). */
  real: RealN8n;
  /** The key the operator stores in the stack's secret. */
  apiKey: string;
  attempts: InviteAttempt[];
  delayFirstResponse: Map<string, number>;
  failFor: Map<string, number>;
  setAvailability(mode: N8nAvailability): Promise<void>;
  /** n8n's users by lower-cased email, as its Users page lists them. */
  users(): Promise<Map<string, N8nUser>>;
  /** Makes `email` an active n8n member, as an invitation accepted by the person does. */
  addMember(email: string): Promise<N8nUser>;
  /** Clears the faults and the recorded attempts (n8n's users stay: each scenario has its own emails). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const FAULT_BODY: Record<"503" | "404" | "500", unknown> = {
  "503": { message: "Service Unavailable" },
  "404": { message: "The requested resource could not be found." },
  "500": { message: "Internal Server Error" },
};

export async function startN8nFront(real: RealN8n): Promise<N8nFront> {
  let mode: N8nAvailability = "up";
  /** The invitation n8n is working on; the next one waits for it. */
  let invitations: Promise<unknown> = Promise.resolve();
  const front: N8nFront = {
    url: "",
    real,
    apiKey: real.apiKey,
    attempts: [],
    delayFirstResponse: new Map(),
    failFor: new Map(),
    setAvailability: async () => undefined,
    users: async () => new Map((await real.users()).entries()),
    async addMember(email) {
      const invited = await fetch(`${real.url}/api/v1/users`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-n8n-api-key": real.apiKey },
        body: JSON.stringify([{ email, role: "global:member" }]),
      });
      const [item] = (await invited.json()) as { user: { inviteAcceptUrl: string } }[];
      const token = new URL(item.user.inviteAcceptUrl).searchParams.get("token");
      const accepted = await fetch(`${real.url}/rest/invitations/accept`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, firstName: "Existing", lastName: "Member", password: "Existing-Member-1" }),
      });
      if (accepted.status !== 200) throw new Error(`n8n refused to accept the invitation of ${email}: ${accepted.status} ${await accepted.text()}`);
      return (await real.users()).get(email.toLowerCase())!;
    },
    reset: async () => undefined,
    close: async () => undefined,
  };

  const send = (res: http.ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer) => {
    res.writeHead(status, headers);
    res.end(body);
  };
  const handle = async (req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse) => {
    const isInvite = req.method === "POST" && (req.url ?? "").split("?")[0] === "/api/v1/users";
    let emails: string[] = [];
    if (isInvite) {
      try {
        emails = (JSON.parse(raw.toString("utf8")) as { email: string }[]).map((i) => String(i.email).toLowerCase());
      } catch {
        emails = [];
      }
    }
    const reply = (status: number, headers: Record<string, string>, body: string | Buffer) => {
      for (const email of emails) front.attempts.push({ email, status });
      send(res, status, headers, body);
    };
    const json = { "content-type": "application/json" };
    if (isInvite && (mode === "503" || mode === "404" || mode === "500")) return reply(Number(mode), json, JSON.stringify(FAULT_BODY[mode]));
    const failing = emails.length ? front.failFor.get(emails[0]) : undefined;
    if (failing) return reply(failing, json, JSON.stringify(FAULT_BODY["500"]));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === "string" && !["host", "connection", "content-length", "transfer-encoding"].includes(k)) headers[k] = v;
    const forward = async () => {
      const res = await fetch(`${real.url}${req.url}`, {
        method: req.method,
        headers,
        ...(raw.length ? { body: new Uint8Array(raw) } : {}),
        redirect: "manual",
      });
      return { res, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    let answered: Awaited<ReturnType<typeof forward>>;
    if (isInvite) {
      const turn = invitations.then(forward);
      invitations = turn.then(
        () => undefined,
        () => undefined,
      );
      answered = await turn;
    } else answered = await forward();
    const { res: answer, bytes: body } = answered;
    const outHeaders: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(k)) outHeaders[k] = v;
    });
    const delay = emails.length ? front.delayFirstResponse.get(emails[0]) : undefined;
    if (delay) {
      front.delayFirstResponse.delete(emails[0]);
      await new Promise((r) => setTimeout(r, delay));
    }
    reply(answer.status, outHeaders, body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on(
      "end",
      () =>
        void handle(req, Buffer.concat(chunks), res).catch((err) => {
          if (!res.headersSent) send(res, 502, { "content-type": "text/plain" }, `e2e n8n front: ${err}`);
        }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  front.url = `http://127.0.0.1:${port}`;
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  front.setAvailability = async (next) => {
    mode = next;
    if (next === "down") await stopListening();
    else if (!server.listening) await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  };
  front.reset = async () => {
    front.attempts.length = 0;
    front.delayFirstResponse.clear();
    front.failFor.clear();
    await front.setAvailability("up");
  };
  front.close = stopListening;
  return front;
}

/** The token of an invitation link, as n8n's /signup page reads it. */
export function tokenOf(link: string): string {
  return new URL(link).searchParams.get("token") ?? "";
}
