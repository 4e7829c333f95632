/** Every policy the pack runs, with its default level and description: the list pack, lint, synth and doctor share. */
import { PolicyInfo } from "./types";

export const TASK_POLICIES: readonly PolicyInfo[] = [
  {
    name: "openwebui-no-webui-auth",
    defaultLevel: "mandatory",
    description:
      "Open WebUI must not set WEBUI_AUTH: false is its single-user mode (no authentication), never valid for a shared workspace; unset already means true.",
  },
  {
    name: "oauth2-proxy-no-prefer-email-to-user",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not set prefer-email-to-user: it stops sending X-Forwarded-Email, the header Open WebUI signs users in with.",
  },
  {
    name: "oauth2-proxy-no-set-authorization-header",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not set set-authorization-header: it puts the person's ID token into every response (a setting for nginx auth_request).",
  },
  {
    name: "oauth2-proxy-no-pass-authorization-header",
    defaultLevel: "mandatory",
    description:
      "oauth2-proxy must not pass an Authorization header upstream (pass-authorization-header, or basic-auth-password with pass-basic-auth): it overwrites Open WebUI's JWT.",
  },
  {
    name: "oauth2-proxy-no-forwarded-header-trust",
    defaultLevel: "mandatory",
    description:
      "oauth2-proxy must not run with reverse-proxy: it then takes skip-auth decisions from the client's X-Forwarded-Uri, which an ALB passes from the internet (advisory when trusted-proxy-ip limits the sources).",
  },
  {
    name: "oauth2-proxy-no-trusted-ip",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not set trusted-ip: requests from those addresses skip sign-in altogether.",
  },
  {
    name: "oauth2-proxy-strip-auth-headers",
    defaultLevel: "mandatory",
    description:
      "oauth2-proxy must keep skip-auth-strip-headers on (its default): off, a client's own X-Forwarded-Email/-Groups/-Preferred-Username reach the app beside oauth2-proxy's, and alone on any request it passes without a session.",
  },
  {
    name: "openwebui-trusted-header-mode",
    defaultLevel: "mandatory",
    description:
      "Open WebUI's trusted email/name headers must be headers the task's oauth2-proxy actually sends upstream (X-Forwarded-* with pass-user-headers).",
  },
  {
    name: "openwebui-trusted-header-requires-proxy",
    defaultLevel: "mandatory",
    description: "Trusted-header sign-in needs an authenticating oauth2-proxy in the same task; without one anyone can send the header.",
  },
  {
    name: "openwebui-signup-disabled",
    defaultLevel: "mandatory",
    description:
      "Open WebUI in trusted-header mode must not set ENABLE_SIGNUP=true: POST /api/v1/auths/signup would let any signed-in person create accounts for other people's emails.",
  },
  {
    name: "oauth2-proxy-skip-auth-routes-allowlist",
    defaultLevel: "mandatory",
    description: "No skip-auth route may lead to Open WebUI; on other apps every skip-auth route must be anchored (^) and on the allowlist.",
  },
  {
    name: "ecs-no-plaintext-secrets",
    defaultLevel: "mandatory",
    description: "Secret-looking settings (*_SECRET, *_PASSWORD, *_TOKEN, *_API_KEY, URLs with a password) must come from ECS secrets, not literal values.",
  },
  {
    name: "openwebui-default-user-role",
    defaultLevel: "mandatory",
    description:
      'Open WebUI must not make every new member an administrator (DEFAULT_USER_ROLE=admin, or a value the rules cannot read); the default `pending`, which parks new users on "Account activation pending", is advisory.',
  },
  {
    name: "openwebui-signout-redirect",
    defaultLevel: "advisory",
    description:
      "Open WebUI behind oauth2-proxy should sign out through /oauth2/sign_out with an encoded rd to the identity provider's logout, Cognito's logout_uri inside it encoded once more.",
  },
  {
    name: "openwebui-trusted-header-min-version",
    defaultLevel: "advisory",
    description:
      "Trusted-header sign-in should run on Open WebUI 0.8 or later; older releases create its accounts through the public signup path, which honours ENABLE_SIGNUP.",
  },
  {
    name: "ecs-no-hidden-settings",
    defaultLevel: "mandatory",
    description:
      "Settings the rules cannot read (ECS environmentFiles, an oauth2-proxy --config or --alpha-config file, words of an oauth2-proxy command line computed at run time) are findings, never silently passed: any of them could hold a forbidden setting.",
  },
  {
    name: "oauth2-proxy-no-oidc-email-claim",
    defaultLevel: "mandatory",
    description:
      "oauth2-proxy must not take the email from a claim other than email (oidc-email-claim, user-id-claim): it then skips the email_verified check, and the trusted email can be a name the person chose.",
  },
  {
    name: "oauth2-proxy-no-xauthrequest",
    defaultLevel: "advisory",
    description: "oauth2-proxy should not set set-xauthrequest: X-Auth-Request-* are response headers for nginx and never reach the app.",
  },
  {
    name: "ecs-image-pinned",
    defaultLevel: "advisory",
    description: "Container images should be pinned to a version tag or digest, never latest/main or no tag.",
  },
  {
    name: "ecs-task-identity",
    defaultLevel: "mandatory",
    description:
      "In a task whose Open WebUI trusts sign-in headers, every container must say what it is: a program computed at run time, an unreadable image, or a container carrying oauth2-proxy settings that runs something else could stand in the sign-in path unseen.",
  },
  {
    name: "oauth2-proxy-dangerous-options",
    defaultLevel: "mandatory",
    description:
      "oauth2-proxy must not use the options that let people in without the identity provider or leak sessions (bearer tokens and extra JWT issuers, preflight skipping, unverified emails, skipped issuer or TLS verification, htpasswd, insecure cookies); weaker ones are advisory.",
  },
  {
    name: "oauth2-proxy-email-domain-any",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not admit every account (EMAIL_DOMAINS=*) unless the stack opted in (allowAnyEmailDomain).",
  },
  {
    name: "image-security-floor",
    defaultLevel: "mandatory",
    description:
      "Images must not be older than their security floor (the oldest release without a known advisory): mandatory for what the internet reaches (Open WebUI, oauth2-proxy, n8n), advisory for the rest (LiteLLM).",
  },
  {
    name: "openwebui-trusted-groups-header",
    defaultLevel: "mandatory",
    description:
      "Open WebUI's trusted groups or role header must be one the task's oauth2-proxy sets and strips from the client (X-Forwarded-Groups); oauth2-proxy sets no role header, so a role header is never safe.",
  },
  {
    name: "app-listens-on-loopback",
    defaultLevel: "advisory",
    description:
      "Apps behind oauth2-proxy should listen on 127.0.0.1 only (Open WebUI HOST, n8n N8N_LISTEN_ADDRESS): then a load balancer entry or security group rule pointed at the app port by mistake reaches nothing.",
  },
  {
    name: "n8n-workflows-cannot-read-secrets",
    defaultLevel: "mandatory",
    description:
      "n8n must keep its workflows away from the container's environment (N8N_BLOCK_ENV_ACCESS_IN_NODE not false, the Execute Command node excluded): it holds the encryption key and the database password, which open every stored credential.",
  },
];

export const STACK_POLICIES: readonly PolicyInfo[] = [
  {
    name: "sqs-dlq-alarmed",
    defaultLevel: "mandatory",
    description: "Every SQS queue used as a dead-letter target must have a CloudWatch alarm on ApproximateNumberOfMessagesVisible.",
  },
];
