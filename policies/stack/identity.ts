/** Sign-in around the proxy: Cognito app clients, and secrets in Lambda environments. */
import { isSecretSetting } from "../rules";
import { RawStackFinding, StackGraph, UNKNOWN, at, label, list, str } from "./graph";

const CLIENT = "aws:cognito/userPoolClient:UserPoolClient";
const LAMBDA = "aws:lambda/function:Function";

/**
 * Flows that sign in with a password or SRP (password-derived) at Cognito's API, outside the hosted
 * UI and the external identity provider; ALLOW_USER_AUTH is choice-based sign-in, password included
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-ExplicitAuthFlows).
 */
const PASSWORD_FLOWS = [
  "ALLOW_USER_PASSWORD_AUTH",
  "ALLOW_USER_SRP_AUTH",
  "ALLOW_ADMIN_USER_PASSWORD_AUTH",
  "ALLOW_USER_AUTH",
  "ADMIN_NO_SRP_AUTH",
  "USER_PASSWORD_AUTH",
];
const ADMIN_SCOPE = "aws.cognito.signin.user.admin";

/** cognito-client-no-password-sign-in. */
export function cognitoClientNoPasswordSignIn(graph: StackGraph): RawStackFinding[] {
  const out: RawStackFinding[] = [];
  const unknown = (c: { urn: string }, what: string, name: string) =>
    out.push({ resource: c.urn, advisory: true, message: `the ${what} of app client ${name} are not known until deploy, so they could not be checked` });
  for (const c of graph.ofType(CLIENT)) {
    const name = str(c.props.name) ?? c.name;
    const flows = list(c.props.explicitAuthFlows);
    if (flows === UNKNOWN) unknown(c, "explicit auth flows", name);
    else if (flows.length === 0) {
      out.push({
        resource: c.urn,
        message: `app client ${name} leaves explicitAuthFlows unset, and Cognito then allows ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH: anyone can try passwords against the pool's API directly, skipping Google and the allow-list page. Fix: explicitAuthFlows ["ALLOW_REFRESH_TOKEN_AUTH"].`,
      });
    } else {
      const bad = flows.filter((f): f is string => typeof f === "string" && PASSWORD_FLOWS.includes(f));
      if (bad.length)
        out.push({
          resource: c.urn,
          message: `app client ${name} allows ${bad.join(", ")}: anyone who knows the client id (it is in every sign-in URL) can sign in with a password at Cognito's API, bypassing Google, and guess or reuse passwords of users created in the pool. Fix: explicitAuthFlows ["ALLOW_REFRESH_TOKEN_AUTH"].`,
        });
    }
    const scopes = list(c.props.allowedOauthScopes);
    if (scopes === UNKNOWN) unknown(c, "OAuth scopes", name);
    else if (scopes.includes(ADMIN_SCOPE))
      out.push({
        resource: c.urn,
        message: `app client ${name} offers the ${ADMIN_SCOPE} scope: its access tokens may call Cognito's user APIs (change the email attribute, which oauth2-proxy and Open WebUI then trust as the identity; set passwords). Fix: openid, email, profile only.`,
      });
    const oauthFlows = list(c.props.allowedOauthFlows);
    if (oauthFlows === UNKNOWN) unknown(c, "OAuth flows", name);
    else if (oauthFlows.includes("implicit"))
      out.push({
        resource: c.urn,
        message: `app client ${name} allows the implicit flow: tokens come back in the URL fragment, with no client secret, where browser history, extensions and referrers can read them. Fix: allowedOauthFlows ["code"].`,
      });
    const providers = list(c.props.supportedIdentityProviders);
    if (providers === UNKNOWN) unknown(c, "identity providers", name);
    else if (providers.includes("COGNITO"))
      out.push({
        resource: c.urn,
        message: `app client ${name} offers COGNITO as an identity provider: the hosted UI then signs people in with a user-pool password instead of Google, and with self sign-up anyone can register an address they do not own. Fix: supportedIdentityProviders ["Google"].`,
      });
    const secret = c.props.generateSecret;
    if (secret === UNKNOWN) unknown(c, "client secret settings", name);
    else if (secret !== true && secret !== "true")
      out.push({
        resource: c.urn,
        message: `app client ${name} has no client secret (generateSecret): anyone holding an authorization code or a refresh token of it can redeem it at the token endpoint without proving to be the proxy. Fix: generateSecret true (oauth2-proxy is a confidential client).`,
      });
  }
  return out;
}

/** Values that cannot be a secret: a reference to one, or a switch. */
function notASecret(value: string): boolean {
  return /^arn:aws[a-z-]*:(secretsmanager|ssm|kms):/.test(value) || /^(true|false|yes|no|on|off|0|1)$/i.test(value.trim());
}

/** lambda-no-plaintext-secrets. */
export function lambdaNoPlaintextSecrets(graph: StackGraph): RawStackFinding[] {
  const out: RawStackFinding[] = [];
  for (const fn of graph.ofType(LAMBDA)) {
    const vars = at(fn.props.environment, "variables");
    if (vars === UNKNOWN) {
      out.push({
        resource: fn.urn,
        advisory: true,
        message: `the environment of ${label(fn)} is not known until deploy, so it could not be checked for secrets`,
      });
      continue;
    }
    if (typeof vars !== "object" || vars === null) continue;
    for (const [name, raw] of Object.entries(vars as Record<string, unknown>)) {
      if (raw === UNKNOWN) {
        if (isSecretSetting(name))
          out.push({ resource: fn.urn, advisory: true, message: `${name} of ${label(fn)} is not known until deploy, so it could not be checked` });
        continue;
      }
      const value = typeof raw === "string" ? raw : JSON.stringify(raw);
      if (value.trim() === "" || notASecret(value) || !isSecretSetting(name, value)) continue;
      out.push({
        resource: fn.urn,
        message: `${name} holds a literal value in the environment of ${label(fn)}: anyone who may read the function's configuration (lambda:GetFunctionConfiguration, the console, the preview) reads the secret. Fix: pass the ARN of a Secrets Manager secret and read it at run time.`,
      });
    }
  }
  return out;
}
