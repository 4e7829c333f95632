// A stand-in for Open WebUI v0.11.4's accounts: the rules that decide whether a person who got
// past oauth2-proxy ends up with a working account. Every rule names the upstream file it copies
// (open-webui/open-webui, backend/open_webui/). The repository is too large to copy whole, so the
// files were read one by one from the 0.11 line, the async backend (0.9+, `get_async_session`)
// with the 0.10 config store (`Config.get('ui.enable_signup')`): routers/auths.py (`signin`,
// `signup_handler`, `signup`, `signout`; the trusted-header block as at 841c9045), utils/auth.py
// (`get_current_user`, `create_admin_user`), env.py (@841c9045), models/groups.py
// (`sync_groups_by_group_names`), constants.py, and open-webui/docs 1eea3847
// (reference/env-configuration.mdx) for defaults and ConfigVar persistence. It is configured from
// the environment the program deploys, read the way env.py and the config store read it, so the
// fake cannot be "helpfully" configured differently.
import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

/** models/users.py `User`: the profile row. */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
}

/** models/auths.py `Auth`: the credential row, same `id` as its user row. */
export interface AuthRow {
  id: string;
  email: string;
  active: boolean;
}

export interface SignInAttempt {
  email: string;
  status: number;
}

export interface FakeOpenWebUi {
  url: string;
  /**
   * The address the real server would listen on: backend/start.sh runs `uvicorn --host "$HOST"`
   * with HOST defaulting to 0.0.0.0 (@059cf821). The stand-in itself always listens on 127.0.0.1.
   */
  listenHost: string;
  users: Map<string, UserRow>;
  auths: Map<string, AuthRow>;
  /** models/groups.py: group name → member user ids. Groups exist only when an administrator creates them. */
  groups: Map<string, Set<string>>;
  /** ConfigVar values as the config store holds them after boot (env-configuration.mdx, "ConfigVar"). */
  config: { ENABLE_SIGNUP: boolean; DEFAULT_USER_ROLE: string; ENABLE_LOGIN_FORM: boolean };
  signIns: SignInAttempt[];
  userByEmail(email: string): UserRow | undefined;
  /** An administrator creating a group in the admin panel (trusted-header sign-in never creates one). */
  createGroup(name: string): void;
  /** Writes a user row only, as SCIM `POST /Users` did (routers/scim.py `create_user` → `Users.insert_new_user`). */
  insertUserRowOnly(email: string, name: string): UserRow;
  close(): Promise<void>;
}

/** constants.py `ERROR_MESSAGES`, the texts the person sees. */
export const OWUI_ERRORS = {
  INVALID_TRUSTED_HEADER: "Your provider has not provided a trusted header. Please contact your administrator for assistance.",
  INVALID_CRED: "The email or password provided is incorrect. Please check for typos and try logging in again.",
  ACCESS_PROHIBITED: "You do not have permission to access this resource. Please contact your administrator for assistance.",
  ACTION_PROHIBITED: "The requested action has been restricted as a security measure.",
  // utils/auth.py `get_current_user` (literal strings there, not constants.py).
  NOT_AUTHENTICATED: "Not authenticated",
  USER_MISMATCH: "User mismatch. Please sign in again.",
  INVALID_TOKEN: "Invalid token",
  EMAIL_TAKEN: "Uh-oh! This email is already registered. Sign in with your existing account or choose another email to start anew.",
  INVALID_EMAIL_FORMAT:
    "The email format you entered is invalid. Please double-check and make sure you're using a valid email address (e.g., yourname@example.com).",
} as const;

const truthy = (value: string | undefined, fallback: string) => (value ?? fallback).toLowerCase() === "true";

/**
 * Python's `urllib.parse.unquote(s, encoding="utf-8")`: each run of %XX escapes is decoded as
 * UTF-8 with `errors="replace"`, anything else (including "+") is left alone.
 */
export function pyUnquote(s: string): string {
  return s.replace(/(%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"));
}

export async function startFakeOpenWebUi(env: Record<string, string | undefined>): Promise<FakeOpenWebUi> {
  // env.py: WEBUI_AUTH = os.environ.get("WEBUI_AUTH", "True").lower() == "true"; the trusted
  // headers are read as given (None when unset: os.environ.get(..., None) @841c9045);
  // ENABLE_INITIAL_ADMIN_SIGNUP defaults to false; WEBUI_ADMIN_NAME to "Admin".
  const webuiAuth = truthy(env.WEBUI_AUTH, "True");
  const emailHeader = env.WEBUI_AUTH_TRUSTED_EMAIL_HEADER;
  const nameHeader = env.WEBUI_AUTH_TRUSTED_NAME_HEADER;
  const groupsHeader = env.WEBUI_AUTH_TRUSTED_GROUPS_HEADER;
  const roleHeader = env.WEBUI_AUTH_TRUSTED_ROLE_HEADER;
  const initialAdminSignup = truthy(env.ENABLE_INITIAL_ADMIN_SIGNUP, "False");
  // ENABLE_PASSWORD_AUTH defaults to true (env-configuration.mdx; read at start, not a ConfigVar).
  const passwordAuth = truthy(env.ENABLE_PASSWORD_AUTH, "True");
  const state: FakeOpenWebUi = {
    url: "",
    listenHost: env.HOST || "0.0.0.0",
    users: new Map(),
    auths: new Map(),
    groups: new Map(),
    config: {
      // ENABLE_SIGNUP: ConfigVar, default True, forced off without WEBUI_AUTH.
      ENABLE_SIGNUP: webuiAuth ? truthy(env.ENABLE_SIGNUP, "True") : false,
      // DEFAULT_USER_ROLE defaults to "pending"; ENABLE_LOGIN_FORM to true (both ConfigVars).
      DEFAULT_USER_ROLE: env.DEFAULT_USER_ROLE ?? "pending",
      ENABLE_LOGIN_FORM: truthy(env.ENABLE_LOGIN_FORM, "True"),
    },
    signIns: [],
    userByEmail: (email) => [...state.users.values()].find((u) => u.email === email),
    createGroup: (name) => {
      if (!state.groups.has(name)) state.groups.set(name, new Set());
    },
    insertUserRowOnly: (email, name) => {
      const row = { id: crypto.randomUUID(), email, name, role: state.config.DEFAULT_USER_ROLE };
      state.users.set(row.id, row);
      return row;
    },
    close: async () => undefined,
  };

  // models/auths.py `insert_new_auth`: an auth row and a user row under one new id.
  const insertNewAuth = (email: string, name: string, role: string): UserRow => {
    const id = crypto.randomUUID();
    state.auths.set(id, { id, email, active: true });
    const user = { id, email, name, role };
    state.users.set(id, user);
    return user;
  };
  // models/auths.py `authenticate_user_by_email`: the active auth row with that email, then
  // the user with its id; without an auth row there is no user to sign in.
  const authenticateUserByEmail = (email: string): UserRow | undefined => {
    const auth = [...state.auths.values()].find((a) => a.email === email && a.active);
    return auth ? state.users.get(auth.id) : undefined;
  };
  // routers/auths.py `signup_handler` (shared by /signup and trusted-header sign-in): every
  // account is inserted with DEFAULT_USER_ROLE first, then promoted to admin only if it is the
  // sole user (the TOCTOU fix: no "has users?" check before the insert), which also stores
  // `ui.enable_signup` = False. It does not read ENABLE_SIGNUP itself (the fix for issue #21016).
  const signupHandler = (email: string, name: string): UserRow => {
    const user = insertNewAuth(email.toLowerCase(), name, state.config.DEFAULT_USER_ROLE);
    if (state.users.size === 1) {
      user.role = "admin";
      state.config.ENABLE_SIGNUP = false;
    }
    return user;
  };

  // utils/auth.py `create_admin_user`, run at start with WEBUI_ADMIN_EMAIL and WEBUI_ADMIN_PASSWORD
  // set: on a database without users, that admin (user and auth rows, role admin); sign-up is
  // then switched off (env-configuration.mdx, WEBUI_ADMIN_EMAIL).
  if (env.WEBUI_ADMIN_EMAIL && env.WEBUI_ADMIN_PASSWORD && state.users.size === 0) {
    insertNewAuth(env.WEBUI_ADMIN_EMAIL.toLowerCase(), env.WEBUI_ADMIN_NAME ?? "Admin", "admin");
    state.config.ENABLE_SIGNUP = false;
  }

  // The session JWT's only claim that matters here: the user id (`create_token(data={'id': ...})`).
  const tokens = new Map<string, string>();
  const session = (user: UserRow) => ({
    token: issue(user),
    token_type: "Bearer",
    expires_at: null,
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    profile_image_url: `/api/v1/users/${user.id}/profile/image`,
    permissions: {},
  });

  function issue(user: UserRow): string {
    const token = crypto.randomBytes(24).toString("hex");
    tokens.set(token, user.id);
    return token;
  }

  // models/groups.py `sync_groups_by_group_names`: membership becomes exactly the existing groups
  // named (added to those, removed from every other); names of groups that do not exist are ignored.
  const syncGroups = (userId: string, names: string[]) => {
    for (const [name, members] of state.groups) {
      if (names.includes(name)) members.add(userId);
      else members.delete(userId);
    }
  };

  // routers/auths.py `signin`.
  const signin = (headers: http.IncomingHttpHeaders): { status: number; body: unknown; email: string } => {
    if (!passwordAuth) return { status: 403, body: { detail: OWUI_ERRORS.ACTION_PROHIBITED }, email: "" };
    if (!emailHeader) return { status: 400, body: { detail: "only trusted-header sign-in is modelled" }, email: "" };
    // Starlette headers are case-insensitive, as Node's are.
    const rawEmail = headers[emailHeader.toLowerCase()];
    if (typeof rawEmail !== "string") return { status: 400, body: { detail: OWUI_ERRORS.INVALID_TRUSTED_HEADER }, email: "" };
    const email = rawEmail.toLowerCase();
    let name = email;
    if (nameHeader) {
      const rawName = headers[nameHeader.toLowerCase()];
      name = pyUnquote(typeof rawName === "string" ? rawName : email);
    }
    if (!state.userByEmail(email)) signupHandler(email, name);
    const user = authenticateUserByEmail(email);
    if (!user) return { status: 400, body: { detail: OWUI_ERRORS.INVALID_CRED }, email };
    // At every sign-in, admins included (0.8.2 skipped admins): groups from the groups header when
    // it names any, and the role from the role header when it holds admin, user or pending.
    if (groupsHeader) {
      const raw = headers[groupsHeader.toLowerCase()];
      const names = (typeof raw === "string" ? raw : "")
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean);
      if (names.length > 0) syncGroups(user.id, names);
    }
    if (roleHeader) {
      const raw = headers[roleHeader.toLowerCase()];
      const role = (typeof raw === "string" ? raw : "").toLowerCase().trim();
      if (["admin", "user", "pending"].includes(role)) user.role = role;
    }
    return { status: 200, body: session(user), email };
  };

  // utils/auth.py `get_current_user` (behind every signed-in route, e.g. GET /api/v1/auths/):
  // the bearer token or `token` cookie names the user; with a trusted email header configured,
  // a request whose header (lower-cased) names someone else is refused. The header alone never
  // signs anyone in: without a token it is 401 "Not authenticated".
  const currentUser = (headers: http.IncomingHttpHeaders): { status: number; body: unknown } => {
    const bearer = /^Bearer (\S+)$/.exec(String(headers.authorization ?? ""))?.[1];
    const cookie = /(?:^|;\s*)token=([^;]+)/.exec(String(headers.cookie ?? ""))?.[1];
    const token = bearer ?? cookie;
    if (!token) return { status: 401, body: { detail: OWUI_ERRORS.NOT_AUTHENTICATED } };
    const user = state.users.get(tokens.get(token) ?? "");
    if (!user) return { status: 401, body: { detail: OWUI_ERRORS.INVALID_TOKEN } };
    if (emailHeader) {
      const raw = headers[emailHeader.toLowerCase()];
      const trusted = (typeof raw === "string" ? raw : "").toLowerCase();
      if (trusted && user.email !== trusted) return { status: 401, body: { detail: OWUI_ERRORS.USER_MISMATCH } };
    }
    return { status: 200, body: { id: user.id, email: user.email, name: user.name, role: user.role } };
  };

  // routers/auths.py `signup`: once a user exists, closed unless ENABLE_SIGNUP and
  // ENABLE_LOGIN_FORM are both on; the first account is not gated on ENABLE_SIGNUP any more
  // (only on ENABLE_LOGIN_FORM, unless ENABLE_INITIAL_ADMIN_SIGNUP). Otherwise it creates the
  // account for whatever email the caller names and returns a session for it.
  const signup = (form: Record<string, unknown>): { status: number; body: unknown } => {
    const hasUsers = state.users.size > 0;
    if (webuiAuth) {
      const closed = hasUsers ? !state.config.ENABLE_SIGNUP || !state.config.ENABLE_LOGIN_FORM : !state.config.ENABLE_LOGIN_FORM && !initialAdminSignup;
      if (closed) return { status: 403, body: { detail: OWUI_ERRORS.ACCESS_PROHIBITED } };
    } else if (hasUsers) {
      return { status: 403, body: { detail: OWUI_ERRORS.ACCESS_PROHIBITED } };
    }
    const email = String(form.email).toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { status: 400, body: { detail: OWUI_ERRORS.INVALID_EMAIL_FORMAT } };
    if (state.userByEmail(email)) return { status: 400, body: { detail: OWUI_ERRORS.EMAIL_TAKEN } };
    return { status: 200, body: session(signupHandler(email, String(form.name))) };
  };

  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/health") return answer(res, 200, { status: true });
      if (req.method === "GET" && req.url === "/api/v1/auths/") {
        const r = currentUser(req.headers);
        return answer(res, r.status, r.body);
      }
      // routers/auths.py `@router.post('/signout')` in the 0.11 line: the token is revoked, and the
      // answer carries WEBUI_AUTH_SIGNOUT_REDIRECT_URL for the browser to follow (the stack's chain
      // through oauth2-proxy's /oauth2/sign_out and Cognito's /logout). Other methods: 405.
      if (req.url === "/api/v1/auths/signout") {
        if (req.method !== "POST") return answer(res, 405, { detail: "Method Not Allowed" });
        const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
        if (bearer) tokens.delete(bearer);
        const redirect = env.WEBUI_AUTH_SIGNOUT_REDIRECT_URL;
        return answer(res, 200, redirect ? { status: true, redirect_url: redirect } : { status: true });
      }
      let form: Record<string, unknown>;
      try {
        form = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        form = {};
      }
      // FastAPI validates the body model (SigninForm: email, password; SignupForm: name, email, password) first: 422.
      const needs = req.url === "/api/v1/auths/signup" ? ["name", "email", "password"] : ["email", "password"];
      if (req.method === "POST" && (req.url === "/api/v1/auths/signin" || req.url === "/api/v1/auths/signup")) {
        if (needs.some((k) => typeof form[k] !== "string")) return answer(res, 422, { detail: [{ type: "missing", loc: ["body"] }] });
        if (req.url === "/api/v1/auths/signin") {
          const r = signin(req.headers);
          state.signIns.push({ email: r.email, status: r.status });
          return answer(res, r.status, r.body);
        }
        const r = signup(form);
        return answer(res, r.status, r.body);
      }
      answer(res, 404, { detail: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
