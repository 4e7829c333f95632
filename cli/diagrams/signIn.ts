/**
 * Sign-in and sign-out as a Mermaid sequence diagram (https://mermaid.js.org/syntax/sequenceDiagram.html),
 * every URL and header read from the synthesised Open WebUI task definition: the settings
 * settings/golden.ts gives oauth2-proxy (login, redeem and redirect URLs, upstream, e-mail domains,
 * cookie refresh) and Open WebUI (trusted header, sign-out redirect from `signOutRedirectUrl`). The
 * steps between are the products' documented behaviour: oauth2-proxy v7.15.3
 * (docs/docs/configuration/overview.md: --login-url, --redeem-url, --skip-provider-button,
 * --whitelist-domain, /oauth2/sign_out?rd=), Cognito's hosted UI (/oauth2/authorize with
 * identity_provider, /oauth2/idpresponse, /logout with client_id and logout_uri).
 */
import type { SynthResource } from "../synth/harness";
import { OAUTH2_PROXY_CONTAINER } from "../../settings/golden";

interface Container {
  name: string;
  environment?: { name: string; value: string }[];
}

/** The sign-in sequence for the service whose task definition runs oauth2-proxy beside Open WebUI. */
export function signInSequence(resources: SynthResource[]): string {
  const taskDef = resources.find(
    (r) =>
      r.type === "aws:ecs/taskDefinition:TaskDefinition" &&
      typeof r.inputs.containerDefinitions === "string" &&
      r.inputs.containerDefinitions.includes("WEBUI_AUTH_TRUSTED_EMAIL_HEADER"),
  );
  if (!taskDef) throw new Error("no Open WebUI task definition in the synthesised stack");
  const containers = JSON.parse(String(taskDef.inputs.containerDefinitions)) as Container[];
  const env = (name: string) => Object.fromEntries((containers.find((c) => c.name === name)?.environment ?? []).map((e) => [e.name, e.value]));
  const proxy = env(OAUTH2_PROXY_CONTAINER);
  const app = containers.find((c) => c.name !== OAUTH2_PROXY_CONTAINER && (c.environment ?? []).some((e) => e.name === "WEBUI_URL"));
  if (!app) throw new Error("no Open WebUI container in the task definition");
  const webui = env(app.name);
  // The app client id is an AWS-generated value (a mock's stand-in under synth): shown as a name.
  const clientId = proxy.OAUTH2_PROXY_CLIENT_ID;
  const generic = (s: string) => (clientId ? s.split(clientId).join("CLIENT_ID") : s);
  const appUrl = webui.WEBUI_URL;
  const callback = new URL(proxy.OAUTH2_PROXY_REDIRECT_URL);
  const login = new URL(proxy.OAUTH2_PROXY_LOGIN_URL);
  const signOut = generic(webui.WEBUI_AUTH_SIGNOUT_REDIRECT_URL);
  const cognitoLogout = decodeURIComponent(new URL(signOut, appUrl).searchParams.get("rd") ?? "");
  const logoutUri = new URL(cognitoLogout).searchParams.get("logout_uri");
  const lines = [
    "sequenceDiagram",
    "  autonumber",
    "  actor B as Browser",
    "  participant L as Load balancer (HTTPS :443)",
    "  participant P as oauth2-proxy",
    `  participant C as Cognito hosted UI (${login.host})`,
    "  participant G as Google",
    "  participant W as Open WebUI",
    `  B->>L: GET ${appUrl}/`,
    `  L->>P: forward (host ${new URL(appUrl).host})`,
    `  P-->>B: 302 ${login.origin}${login.pathname}${login.search} (no cookie yet, PKCE ${proxy.OAUTH2_PROXY_CODE_CHALLENGE_METHOD})`,
    `  B->>C: GET ${login.pathname}${login.search}`,
    "  C-->>B: 302 to Google's consent screen",
    "  B->>G: sign in with Google",
    `  G-->>B: 302 https://${login.host}/oauth2/idpresponse`,
    "  B->>C: GET /oauth2/idpresponse",
    "  Note over C: PreSignUp trigger checks the allow-list on the first sign-in",
    `  C-->>B: 302 ${callback.origin}${callback.pathname}?code=…`,
    `  B->>P: GET ${callback.pathname} (through the load balancer)`,
    `  P->>C: POST ${new URL(proxy.OAUTH2_PROXY_REDEEM_URL).pathname} (code, client secret, PKCE verifier)`,
    "  C-->>P: ID token (email)",
    `  Note over P: email must be in ${proxy.OAUTH2_PROXY_EMAIL_DOMAINS === "*" ? "any domain (*)" : `EMAIL_DOMAINS ${proxy.OAUTH2_PROXY_EMAIL_DOMAINS}`}`,
    `  P-->>B: Set-Cookie (session, refreshed every ${proxy.OAUTH2_PROXY_COOKIE_REFRESH}), 302 /`,
    "  B->>P: GET / with the cookie",
    `  P->>W: ${proxy.OAUTH2_PROXY_UPSTREAMS} with ${webui.WEBUI_AUTH_TRUSTED_EMAIL_HEADER}`,
    "  W-->>B: the workspace, signed in as that email",
    "  Note over B,W: sign-out",
    "  B->>W: Sign out",
    `  W-->>B: 302 ${signOut.split("?")[0]}?rd=…`,
    `  B->>P: GET ${signOut.split("?")[0]}`,
    `  P-->>B: clears its cookie, 302 ${cognitoLogout.split("?")[0]} (an allowed domain: ${proxy.OAUTH2_PROXY_WHITELIST_DOMAINS})`,
    `  B->>C: GET ${new URL(cognitoLogout).pathname}?client_id=CLIENT_ID&logout_uri=${logoutUri}`,
    `  C-->>B: ends the hosted UI session, 302 ${logoutUri}`,
  ];
  return lines.join("\n") + "\n";
}
