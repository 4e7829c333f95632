// A stand-in for Open WebUI's SCIM 2.0 user API (routers/scim.py, see the design's upstream facts):
// POST /api/v1/scim/v2/Users with `Authorization: Bearer <SCIM_TOKEN>` answers 401 for a wrong
// token, 409 when `userName` is an existing email, else 201 and a row in its user table.
// Faults: "down" closes the listening socket (connection refused on the same port), "503" answers
// every request with 503, and a per-email delay holds a response after the row is written.
import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

export const SCIM_USERS = "/api/v1/scim/v2/Users";

export interface ScimUser {
  id: string;
  email: string;
  displayName: string;
  externalId: string;
  role: "user" | "pending";
}

export interface ScimAttempt {
  email: string;
  status: number;
}

export type Availability = "up" | "503" | "down";

export interface FakeOpenWebUi {
  url: string;
  /** The user table, keyed by lower-cased email. */
  users: Map<string, ScimUser>;
  /** Every POST that reached the server, with the status it was given. */
  attempts: ScimAttempt[];
  /** The token Open WebUI was started with (SCIM_TOKEN). */
  token: string;
  /** Milliseconds to hold the first response for an email (after writing the row). */
  delayFirstResponse: Map<string, number>;
  setAvailability(mode: Availability): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startFakeOpenWebUi(token: string): Promise<FakeOpenWebUi> {
  const state: FakeOpenWebUi = {
    url: "",
    users: new Map(),
    attempts: [],
    token,
    delayFirstResponse: new Map(),
    setAvailability: async () => undefined,
    close: async () => undefined,
  };
  let mode: Availability = "up";

  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const raw = await readBody(req);
    if (req.method !== "POST" || req.url !== SCIM_USERS) return answer(res, 404, { detail: "Not Found" });
    let email = "";
    try {
      email = String(JSON.parse(raw).userName ?? "").toLowerCase();
    } catch {
      return answer(res, 422, { detail: "invalid JSON" });
    }
    const reply = (status: number, body: unknown) => {
      state.attempts.push({ email, status });
      answer(res, status, body);
    };
    if (mode === "503") return reply(503, { detail: "Service Unavailable" });
    if (req.headers.authorization !== `Bearer ${state.token}`) return reply(401, { detail: "Invalid SCIM token" });
    if (state.users.has(email)) return reply(409, { detail: `User with email ${email} already exists` });
    const body = JSON.parse(raw);
    const user: ScimUser = { id: crypto.randomUUID(), email, displayName: String(body.displayName), externalId: String(body.externalId), role: body.active ? "user" : "pending" };
    state.users.set(email, user);
    const delay = state.delayFirstResponse.get(email);
    if (delay) {
      state.delayFirstResponse.delete(email);
      await new Promise((r) => setTimeout(r, delay));
    }
    reply(201, { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], id: user.id, userName: email, active: true });
  };

  const server = http.createServer((req, res) => void handle(req, res).catch(() => answer(res, 500, { detail: "fake failed" })));
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
  state.close = stopListening;
  return state;
}
