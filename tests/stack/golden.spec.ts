import { expect } from "chai";
import { oauth2ProxyContainer, openWebUiEnvironment, signOutRedirectUrl } from "../../settings/golden";

const allowList = { domains: ["example.com"], emails: [], anyGoogleAccount: false };

describe("golden configuration", () => {
  it("builds the guide's exact sign-out redirect, double encoding included", () => {
    expect(
      signOutRedirectUrl({
        authDomain: "auth.pluto.patternsatscale.com",
        clientId: "77n2g266last0jim5h1c0qjckn",
        appUrl: "https://pluto.patternsatscale.com",
      }),
    ).to.equal(
      "/oauth2/sign_out?rd=https%3A%2F%2Fauth.pluto.patternsatscale.com%2Flogout%3Fclient_id%3D77n2g266last0jim5h1c0qjckn%26logout_uri%3Dhttps%253A%252F%252Fpluto.patternsatscale.com",
    );
  });

  it("refuses extra settings that would override a golden key", () => {
    const base = { appUrl: "https://a.example.com", signOutRedirectUrl: "/oauth2/sign_out", adminEmail: "admin@example.com" };
    expect(() => openWebUiEnvironment({ ...base, extra: { DEFAULT_USER_ROLE: "pending" } })).to.throw(/DEFAULT_USER_ROLE is part of the golden configuration/);
    expect(() => openWebUiEnvironment({ ...base, extra: { ENABLE_SIGNUP: "true" } })).to.throw(/ENABLE_SIGNUP is part of the golden configuration/);
    expect(() => openWebUiEnvironment({ ...base, extra: { WEBUI_ADMIN_EMAIL: "eve@example.org" } })).to.throw(/WEBUI_ADMIN_EMAIL is part of the golden/);
    expect(openWebUiEnvironment({ ...base, extra: { REDIS_URL: "redis://r:6379" } })).to.include({ REDIS_URL: "redis://r:6379", ENABLE_SIGNUP: "false" });
  });

  it("binds Open WebUI to loopback and keeps its vectors in PostgreSQL, and neither can be changed by an extra setting", () => {
    const base = { appUrl: "https://a.example.com", signOutRedirectUrl: "/oauth2/sign_out", adminEmail: "admin@example.com" };
    expect(openWebUiEnvironment(base)).to.include({ HOST: "127.0.0.1", VECTOR_DB: "pgvector" });
    expect(() => openWebUiEnvironment({ ...base, extra: { HOST: "0.0.0.0" } })).to.throw(/HOST is part of the golden configuration/);
    expect(() => openWebUiEnvironment({ ...base, extra: { VECTOR_DB: "chroma" } })).to.throw(/VECTOR_DB is part of the golden configuration/);
  });

  it("gives the proxy no skip-auth route unless asked, and joins several with commas", () => {
    const args = {
      image: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
      issuerUrl: "https://i",
      clientId: "c",
      clientSecretArn: "arn:s",
      cookieSecretArn: "arn:c",
      appUrl: "https://a.example.com",
      authDomain: "auth.a.example.com",
      logGroup: "/p/ecs",
      region: "eu-west-1",
      appContainerName: "app",
      allowList,
    };
    const names = (c: ReturnType<typeof oauth2ProxyContainer>) => c.environment.map((e) => e.name);
    expect(names(oauth2ProxyContainer(args))).to.not.include("OAUTH2_PROXY_SKIP_AUTH_ROUTES");
    const two = oauth2ProxyContainer({ ...args, skipAuthRoutes: ["^/a/", "GET=^/b$"] });
    expect(two.environment.find((e) => e.name === "OAUTH2_PROXY_SKIP_AUTH_ROUTES")!.value).to.equal("^/a/,GET=^/b$");
    expect(two.dependsOn).to.deep.equal([{ containerName: "app", condition: "HEALTHY" }]);
    expect(() => oauth2ProxyContainer({ ...args, extra: { OAUTH2_PROXY_PASS_USER_HEADERS: "false" } })).to.throw(
      /OAUTH2_PROXY_PASS_USER_HEADERS is part of the golden/,
    );
    const extra = oauth2ProxyContainer({ ...args, extra: { OAUTH2_PROXY_ALLOWED_GROUPS: "staff" } });
    expect(extra.environment.find((e) => e.name === "OAUTH2_PROXY_ALLOWED_GROUPS")!.value).to.equal("staff");
  });

  it("keeps who may sign in out of extra settings, even the keys the allow-list leaves unset", () => {
    const args = {
      image: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
      issuerUrl: "https://i",
      clientId: "c",
      clientSecretArn: "arn:s",
      cookieSecretArn: "arn:c",
      appUrl: "https://a.example.com",
      authDomain: "auth.a.example.com",
      logGroup: "/p/ecs",
      region: "eu-west-1",
      appContainerName: "app",
      allowList: { domains: [], emails: ["ada@partner.org"], anyGoogleAccount: false },
    };
    // Single emails only: EMAIL_DOMAINS is absent from the golden environment, and still not settable.
    for (const key of ["OAUTH2_PROXY_EMAIL_DOMAINS", "OAUTH2_PROXY_EMAIL_DOMAIN"])
      expect(() => oauth2ProxyContainer({ ...args, extra: { [key]: "*" } }), key).to.throw(
        /cannot be set directly: who may sign in comes from pluto:allowedEmailDomains/,
      );
    expect(() => oauth2ProxyContainer({ ...args, extra: { OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE: "/tmp/x" } })).to.throw(/part of the golden configuration/);
  });
});
