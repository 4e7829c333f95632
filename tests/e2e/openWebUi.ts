// A stand-in for Open WebUI v0.8.2's accounts: the rules that decide whether a person who got
// past oauth2-proxy ends up with a working account. Every rule names the upstream file it copies
// (open-webui/open-webui, backend/open_webui/; v0.8.2 is release commit 7c7fe443; the stored
// text read is routers/auths.py @db15b21, models/auths.py, config.py, env.py, main.py,
// constants.py). It is configured from the environment the program deploys, read the way
// env.py and config.py read it, so the fake cannot be "helpfully" configured differently.
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
  users: Map<string, UserRow>;
  auths: Map<string, AuthRow>;
  /** PersistentConfig values as the database holds them after boot (config.py). */
  config: { ENABLE_SIGNUP: boolean; DEFAULT_USER_ROLE: string; ENABLE_LOGIN_FORM: boolean };
  signIns: SignInAttempt[];
  userByEmail(email: string): UserRow | undefined;
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
  // headers are read as given (None when unset); ENABLE_INITIAL_ADMIN_SIGNUP defaults to false.
  const webuiAuth = truthy(env.WEBUI_AUTH, "True");
  const emailHeader = env.WEBUI_AUTH_TRUSTED_EMAIL_HEADER;
  const nameHeader = env.WEBUI_AUTH_TRUSTED_NAME_HEADER;
  const initialAdminSignup = truthy(env.ENABLE_INITIAL_ADMIN_SIGNUP, "False");
  // config.py: ENABLE_PASSWORD_AUTH defaults to true.
  const passwordAuth = truthy(env.ENABLE_PASSWORD_AUTH, "True");
  const state: FakeOpenWebUi = {
    url: "",
    users: new Map(),
    auths: new Map(),
    config: {
      // config.py: ENABLE_SIGNUP = False if not WEBUI_AUTH else os.environ.get("ENABLE_SIGNUP", "True") == "true".
      ENABLE_SIGNUP: webuiAuth ? truthy(env.ENABLE_SIGNUP, "True") : false,
      // config.py: DEFAULT_USER_ROLE defaults to "pending"; ENABLE_LOGIN_FORM to true.
      DEFAULT_USER_ROLE: env.DEFAULT_USER_ROLE ?? "pending",
      ENABLE_LOGIN_FORM: truthy(env.ENABLE_LOGIN_FORM, "True"),
    },
    signIns: [],
    userByEmail: (email) => [...state.users.values()].find((u) => u.email === email),
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
  // routers/auths.py `signup_handler` (shared by /signup and trusted-header sign-in): the first
  // user is admin, everyone else DEFAULT_USER_ROLE; the first user closes ENABLE_SIGNUP. It does
  // not read ENABLE_SIGNUP itself (the fix for upstream issue #21016).
  const signupHandler = (email: string, name: string): UserRow => {
    const hasUsers = state.users.size > 0;
    const user = insertNewAuth(email.toLowerCase(), name, hasUsers ? state.config.DEFAULT_USER_ROLE : "admin");
    if (!hasUsers) state.config.ENABLE_SIGNUP = false;
    return user;
  };

  // main.py lifespan: with WEBUI_ADMIN_EMAIL and WEBUI_ADMIN_PASSWORD set, `create_admin_user`
  // creates that admin (user and auth rows) on an empty database, then ENABLE_SIGNUP = False.
  if (env.WEBUI_ADMIN_EMAIL && env.WEBUI_ADMIN_PASSWORD && state.users.size === 0) {
    insertNewAuth(env.WEBUI_ADMIN_EMAIL.toLowerCase(), env.WEBUI_ADMIN_NAME ?? "Admin", "admin");
    state.config.ENABLE_SIGNUP = false;
  }

  const session = (user: UserRow) => ({
    token: crypto.randomBytes(24).toString("hex"),
    token_type: "Bearer",
    expires_at: null,
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    profile_image_url: `/api/v1/users/${user.id}/profile/image`,
    permissions: {},
  });

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
    return user ? { status: 200, body: session(user), email } : { status: 400, body: { detail: OWUI_ERRORS.INVALID_CRED }, email };
  };

  // routers/auths.py `signup`: closed when ENABLE_SIGNUP or ENABLE_LOGIN_FORM is off (unless
  // there are no users and ENABLE_INITIAL_ADMIN_SIGNUP); otherwise it creates the account for
  // whatever email the caller names and returns a session for it.
  const signup = (form: Record<string, unknown>): { status: number; body: unknown } => {
    const hasUsers = state.users.size > 0;
    if (webuiAuth) {
      if ((!state.config.ENABLE_SIGNUP || !state.config.ENABLE_LOGIN_FORM) && (hasUsers || !initialAdminSignup)) {
        return { status: 403, body: { detail: OWUI_ERRORS.ACCESS_PROHIBITED } };
      }
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
