import { expect } from "chai";
import type { AllowList } from "../../functions/allowList";
import { handlePreSignUp, parseAllowList, REFUSAL, SignUpRefused } from "../../functions/preSignUp";
import { preSignUpFactory } from "../../functions/runtime";
import { captureConsole, memoryLog, preSignUpEvent } from "./helpers";

const LIST: AllowList = { domains: ["example.com"], emails: ["guest@partner.org"], anyGoogleAccount: false };

async function refusal(promise: Promise<unknown>): Promise<SignUpRefused> {
  const err = await promise.then(
    () => undefined,
    (e) => e,
  );
  expect(err, "the sign-up should have been refused").to.be.instanceOf(Error);
  expect((err as Error).name).to.equal("SignUpRefused");
  return err as SignUpRefused;
}

describe("functions/preSignUp: handlePreSignUp", () => {
  it("returns a listed Google sign-in's event unchanged, auto-confirming and auto-verifying nothing", async () => {
    const logs = memoryLog();
    const event = preSignUpEvent();
    const snapshot = JSON.parse(JSON.stringify(event));
    const result = await handlePreSignUp(event, { allowList: LIST, log: logs.log });
    expect(result).to.equal(event);
    expect(result).to.deep.equal(snapshot);
    expect(logs.entries).to.deep.equal([{ level: "info", event: "signup_allowed", triggerSource: "PreSignUp_ExternalProvider", domain: "example.com" }]);
  });

  it("admits a single listed email and every source Cognito sends (sign-up, admin create, Google)", async () => {
    for (const triggerSource of ["PreSignUp_SignUp", "PreSignUp_AdminCreateUser", "PreSignUp_ExternalProvider"]) {
      const event = preSignUpEvent({ triggerSource, userAttributes: { email: "Guest@Partner.org", email_verified: "true" } });
      expect(await handlePreSignUp(event, { allowList: LIST, log: memoryLog().log }), triggerSource).to.equal(event);
    }
  });

  it("refuses an email outside the list for every trigger source, admin-created users included", async () => {
    // Cognito's PreSignUp sources (developerguide/user-pool-lambda-pre-sign-up.html): an administrator's
    // AdminCreateUser must not admit someone the allow-list does not, and neither may a source Cognito adds later.
    for (const triggerSource of ["PreSignUp_SignUp", "PreSignUp_AdminCreateUser", "PreSignUp_ExternalProvider", "PreSignUp_SomethingNew"]) {
      const logs = memoryLog();
      const event = preSignUpEvent({ triggerSource, userAttributes: { email: "eve@evil.example.org", email_verified: "true" } });
      const err = await refusal(handlePreSignUp(event, { allowList: LIST, log: logs.log }));
      expect(err.reason, triggerSource).to.equal("notAllowed");
      expect(logs.entries, triggerSource).to.deep.equal([
        { level: "warn", event: "signup_refused", reason: "notAllowed", triggerSource, domain: "evil.example.org" },
      ]);
    }
  });

  it("refuses an email outside the list with the message the person sees, logging only the domain", async () => {
    const logs = memoryLog();
    const err = await refusal(
      handlePreSignUp(preSignUpEvent({ userAttributes: { email: "eve@evil.example.org", email_verified: "true" } }), { allowList: LIST, log: logs.log }),
    );
    expect(err.message).to.equal(REFUSAL.notAllowed);
    expect(err.reason).to.equal("notAllowed");
    expect(logs.entries).to.deep.equal([
      { level: "warn", event: "signup_refused", reason: "notAllowed", triggerSource: "PreSignUp_ExternalProvider", domain: "evil.example.org" },
    ]);
    expect(logs.text()).not.to.contain("eve@");
  });

  it("never echoes what the person sent into the message (it ends up in a URL and a page)", async () => {
    const err = await refusal(
      handlePreSignUp(preSignUpEvent({ userAttributes: { email: "<script>x</script>@evil.org", email_verified: "true" } }), {
        allowList: LIST,
        log: memoryLog().log,
      }),
    );
    expect(Object.values(REFUSAL)).to.include(err.message);
  });

  it("refuses a Google sign-in whose email is not verified, even in an allowed domain", async () => {
    for (const email_verified of ["false", undefined, "", "yes"]) {
      const err = await refusal(
        handlePreSignUp(preSignUpEvent({ userAttributes: { email: "ada@example.com", email_verified } }), { allowList: LIST, log: memoryLog().log }),
      );
      expect(err.message, String(email_verified)).to.equal(REFUSAL.unverified);
    }
    // A self-service sign-up verifies the address later, by code: PostConfirmation checks it then.
    const native = preSignUpEvent({ triggerSource: "PreSignUp_SignUp", userAttributes: { email: "ada@example.com" } });
    expect(await handlePreSignUp(native, { allowList: LIST, log: memoryLog().log })).to.equal(native);
  });

  it("refuses, rather than crashes on, events it cannot read (the safe side)", async () => {
    const odd: unknown[] = [
      null,
      {},
      { triggerSource: "PreSignUp_ExternalProvider" },
      { triggerSource: "PreSignUp_ExternalProvider", request: {} },
      { triggerSource: "PreSignUp_ExternalProvider", request: { userAttributes: { email: 42 } } },
      { triggerSource: "PreSignUp_ExternalProvider", request: { userAttributes: { email: "no-at-sign" } } },
      { triggerSource: "PostConfirmation_ConfirmSignUp", request: { userAttributes: { email: "ada@example.com", email_verified: "true" } } },
      { triggerSource: 7, request: { userAttributes: { email: "ada@example.com" } } },
    ];
    for (const event of odd) {
      const logs = memoryLog();
      const err = await refusal(handlePreSignUp(event as never, { allowList: LIST, log: logs.log }));
      expect(err.message, JSON.stringify(event)).to.equal(REFUSAL.unreadable);
      expect(logs.entries[0]).to.include({ event: "signup_refused", reason: "unreadable" });
    }
  });

  it("admits any verified Google account only when the stack opted in", async () => {
    const open: AllowList = { domains: [], emails: [], anyGoogleAccount: true };
    const event = preSignUpEvent({ userAttributes: { email: "stranger@gmail.com", email_verified: "true" } });
    expect(await handlePreSignUp(event, { allowList: open, log: memoryLog().log })).to.equal(event);
    await refusal(
      handlePreSignUp(preSignUpEvent({ userAttributes: { email: "stranger@gmail.com", email_verified: "false" } }), { allowList: open, log: memoryLog().log }),
    );
  });
});

describe("functions/preSignUp: requireGoogleWorkspace (Google's hd claim, mapped to custom:hd)", () => {
  const WORKSPACE: AllowList = { ...LIST, requireGoogleWorkspace: true };
  const google = (attrs: Record<string, string | undefined>) =>
    preSignUpEvent({ userAttributes: { email: "ada@example.com", email_verified: "true", ...attrs } });

  it("admits a domain member whose Google account belongs to that domain's Workspace", async () => {
    const logs = memoryLog();
    for (const hd of ["example.com", "Example.COM"]) {
      const event = google({ "custom:hd": hd });
      expect(await handlePreSignUp(event, { allowList: WORKSPACE, log: logs.log }), hd).to.equal(event);
    }
    expect(logs.entries.map((e) => e.event)).to.deep.equal(["signup_allowed", "signup_allowed"]);
  });

  it("refuses a personal Google account registered with a company address, or another organisation's account", async () => {
    for (const hd of [undefined, "", "gmail.com", "example.com.evil.org", "evil.example.com"]) {
      const logs = memoryLog();
      const err = await refusal(handlePreSignUp(google({ "custom:hd": hd }), { allowList: WORKSPACE, log: logs.log }));
      expect(err.message, String(hd)).to.equal(REFUSAL.notWorkspace);
      expect(err.reason).to.equal("notWorkspace");
      expect(logs.entries).to.deep.equal([
        { level: "warn", event: "signup_refused", reason: "notWorkspace", triggerSource: "PreSignUp_ExternalProvider", domain: "example.com" },
      ]);
    }
  });

  it("exempts an address listed in allowedEmails: it names a person", async () => {
    const event = preSignUpEvent({ userAttributes: { email: "Guest@Partner.org", email_verified: "true" } });
    expect(await handlePreSignUp(event, { allowList: WORKSPACE, log: memoryLog().log })).to.equal(event);
  });

  it("exempts a listed address even when its domain is listed too", async () => {
    const both: AllowList = { ...WORKSPACE, emails: ["boss@example.com"] };
    const event = google({ email: "boss@example.com" });
    expect(await handlePreSignUp(event, { allowList: both, log: memoryLog().log })).to.equal(event);
    await refusal(handlePreSignUp(google({ email: "ada@example.com" }), { allowList: both, log: memoryLog().log }));
  });

  it("leaves a personal account in when the setting is off (the default)", async () => {
    for (const allowList of [LIST, { ...LIST, requireGoogleWorkspace: false }]) {
      const event = google({});
      expect(await handlePreSignUp(event, { allowList, log: memoryLog().log })).to.equal(event);
    }
  });

  it("checks only Google sign-ins: the other trigger sources carry no hd and cannot sign in through the Google-only app client", async () => {
    for (const triggerSource of ["PreSignUp_SignUp", "PreSignUp_AdminCreateUser"]) {
      const event = preSignUpEvent({ triggerSource, userAttributes: { email: "ada@example.com" } });
      expect(await handlePreSignUp(event, { allowList: WORKSPACE, log: memoryLog().log }), triggerSource).to.equal(event);
    }
    const google = preSignUpEvent({ triggerSource: "PreSignUp_ExternalProvider", userAttributes: { email: "ada@example.com", email_verified: "true" } });
    expect((await refusal(handlePreSignUp(google, { allowList: WORKSPACE, log: memoryLog().log }))).reason).to.equal("notWorkspace");
  });

  it("keeps the earlier refusals first: outside the list, then unverified", async () => {
    const outside = await refusal(handlePreSignUp(google({ email: "eve@evil.org" }), { allowList: WORKSPACE, log: memoryLog().log }));
    expect(outside.reason).to.equal("notAllowed");
    const unverified = await refusal(
      handlePreSignUp(google({ email_verified: "false", "custom:hd": "example.com" }), { allowList: WORKSPACE, log: memoryLog().log }),
    );
    expect(unverified.reason).to.equal("unverified");
  });

  it("refuses, never crashes, on odd attribute values", async () => {
    for (const attrs of [{ "custom:hd": 42 }, { "custom:hd": null }, { "custom:hd": { domain: "example.com" } }]) {
      const err = await refusal(handlePreSignUp(google(attrs as never), { allowList: WORKSPACE, log: memoryLog().log }));
      expect(err.reason, JSON.stringify(attrs)).to.equal("notWorkspace");
    }
  });
});

describe("functions/preSignUp: parseAllowList", () => {
  it("reads the JSON the component writes", () => {
    expect(parseAllowList(JSON.stringify(LIST))).to.deep.equal(LIST);
    expect(parseAllowList(JSON.stringify({ ...LIST, requireGoogleWorkspace: true }))).to.deep.equal({ ...LIST, requireGoogleWorkspace: true });
    expect(parseAllowList(JSON.stringify({ ...LIST, requireGoogleWorkspace: false }))).to.deep.equal(LIST);
  });

  for (const raw of [
    undefined,
    "",
    "nope",
    "[]",
    "null",
    '{"domains":["a.com"],"emails":[]}',
    '{"domains":"a.com","emails":[],"anyGoogleAccount":false}',
    '{"domains":[""],"emails":[],"anyGoogleAccount":false}',
    '{"domains":[],"emails":[1],"anyGoogleAccount":false}',
    '{"domains":["a.com"],"emails":[],"anyGoogleAccount":false,"requireGoogleWorkspace":"true"}',
    // A wrong-typed field fails closed: a string "true" must never open the workspace to every Google account.
    '{"domains":[],"emails":[],"anyGoogleAccount":"true"}',
    '{"domains":[],"emails":[],"anyGoogleAccount":1}',
    '{"domains":[],"emails":[],"anyGoogleAccount":null}',
    '{"domains":[null],"emails":[],"anyGoogleAccount":false}',
    '{"domains":[],"emails":{"0":"a@b.c"},"anyGoogleAccount":false}',
    '{"domains":[["example.com"]],"emails":[],"anyGoogleAccount":false}',
  ]) {
    it(`rejects ${JSON.stringify(raw)} with a named error`, () => {
      expect(() => parseAllowList(raw)).to.throw(/^the allow-list in the environment /);
    });
  }
});

describe("functions/runtime: preSignUpFactory", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("builds the handler from ALLOW_LIST and logs one JSON line per decision", async () => {
    process.env.ALLOW_LIST = JSON.stringify(LIST);
    const handler = preSignUpFactory();
    const allowed = await captureConsole(() => handler(preSignUpEvent()));
    expect(allowed.lines.map((l) => JSON.parse(l).event)).to.deep.equal(["signup_allowed"]);
    const refused = await captureConsole(() =>
      handler(preSignUpEvent({ userAttributes: { email: "eve@evil.org", email_verified: "true" } })).catch((e: Error) => e.message),
    );
    expect(refused.result).to.equal(REFUSAL.notAllowed);
    expect(JSON.parse(refused.lines[0])).to.include({ level: "warn", event: "signup_refused" });
  });

  it("fails the cold start when ALLOW_LIST is missing or malformed, so nobody gets through", () => {
    delete process.env.ALLOW_LIST;
    expect(() => preSignUpFactory()).to.throw("environment variable ALLOW_LIST is not set");
    process.env.ALLOW_LIST = "{broken";
    expect(() => preSignUpFactory()).to.throw("the allow-list in the environment is not JSON");
  });
});
