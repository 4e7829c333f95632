// What the onboarding pipeline accepts as a member's email, name and sub: the producer
// (messageFromAttributes), the worker (parseMessage, handleProvisioningBatch) and `pluto users
// sync` (planMessages) apply one set of rules, so a hand-sent message cannot carry what the
// producer would never enqueue.
import { expect } from "chai";
import { capName, forbiddenCharacter, MAX_NAME_CHARACTERS, messageFromAttributes, parseMessage } from "../../functions/message";
import { ENQUEUE_FAILED, handlePostConfirmation, NAME_ADJUSTED } from "../../functions/producer";
import { handleProvisioningBatch, WorkerDeps } from "../../functions/worker";
import type { Notice } from "../../functions/notify";
import type { ProvisioningMessage } from "../../functions/message";
import { memoryLog, postConfirmationEvent, provisioningMessage, sqsRecord } from "./helpers";

/** One of each kind the rules refuse, with the description the reason gives. */
const FORBIDDEN: [string, string][] = [
  ["\u0000", "U+0000 (a control character)"],
  ["\u0007", "U+0007 (a control character)"],
  ["\n", "U+000A (a control character)"],
  ["\u001b", "U+001B (a control character)"],
  ["\u007f", "U+007F (a control character)"],
  ["\u0085", "U+0085 (a control character)"],
  ["\u009b", "U+009B (a control character)"],
  ["\u2028", "U+2028 (a line or paragraph separator)"],
  ["\u2029", "U+2029 (a line or paragraph separator)"],
  ["\u202a", "U+202A (a bidirectional control)"],
  ["\u202e", "U+202E (a bidirectional control)"],
  ["\u2066", "U+2066 (a bidirectional control)"],
  ["\u2069", "U+2069 (a bidirectional control)"],
  ["\ud800", "U+D800 (an unpaired surrogate)"],
  ["\udfff", "U+DFFF (an unpaired surrogate)"],
  ["\ufffe", "U+FFFE (a noncharacter)"],
  ["\uffff", "U+FFFF (a noncharacter)"],
];
const VERIFIED = { sub: "sub-1", email_verified: "true" };
const codePoints = (s: string) => Array.from(s).length;

describe("onboarding input rules", () => {
  describe("forbiddenCharacter", () => {
    for (const [char, described] of FORBIDDEN) {
      it(`refuses ${described} anywhere in a value`, () => {
        expect(forbiddenCharacter(`Ada${char} Lovelace`)).to.equal(described);
      });
    }

    for (const name of [
      "José Núñez",
      "Zoë Ödegård-Ünal",
      "محمد علي",
      "יוסף כהן\u200f",
      "علی\u200cرضا",
      "👩‍💻 Ada",
      "李小龍",
      "O'Brien-Smith, Jr.",
      "Ada\u00a0Lovelace",
    ]) {
      it(`accepts ${JSON.stringify(name)} (directional marks, joiners and every script are text)`, () => {
        expect(forbiddenCharacter(name)).to.equal(undefined);
      });
    }
  });

  describe("capName", () => {
    it(`keeps ${MAX_NAME_CHARACTERS} characters and cuts the rest, counting code points, never splitting a pair`, () => {
      expect(capName("a".repeat(MAX_NAME_CHARACTERS))).to.deep.equal({ name: "a".repeat(MAX_NAME_CHARACTERS), cut: false });
      expect(capName("a".repeat(MAX_NAME_CHARACTERS + 1))).to.deep.equal({ name: "a".repeat(MAX_NAME_CHARACTERS), cut: true });
      const emoji = capName("😀".repeat(MAX_NAME_CHARACTERS + 10));
      expect(emoji.cut).to.equal(true);
      expect(codePoints(emoji.name)).to.equal(MAX_NAME_CHARACTERS);
      expect(forbiddenCharacter(emoji.name), "no half of a surrogate pair is left").to.equal(undefined);
    });
  });

  describe("messageFromAttributes (producer, pluto users sync)", () => {
    for (const [char, described] of FORBIDDEN) {
      it(`refuses an email holding ${described}, naming the attribute and the code point but not the value`, () => {
        const result = messageFromAttributes({ ...VERIFIED, email: `ada${char}@example.com`, name: "Ada" });
        expect(result).to.deep.equal({ ok: false, reason: `user attribute \`email\` contains ${described}` });
      });
    }

    it("refuses a sub holding a control character", () => {
      expect(messageFromAttributes({ email: "ada@example.com", sub: "sub\u0000-1" })).to.deep.equal({
        ok: false,
        reason: "user attribute `sub` contains U+0000 (a control character)",
      });
    });

    for (const [char, described] of FORBIDDEN) {
      it(`passes over a name holding ${described} for the next candidate, and says so`, () => {
        const result = messageFromAttributes({ ...VERIFIED, email: "ada@example.com", name: `Eve${char}evil`, given_name: "Ada", family_name: "Lovelace" });
        expect(result).to.deep.equal({
          ok: true,
          message: { email: "ada@example.com", name: "Ada Lovelace", sub: "sub-1" },
          notes: [`user attribute \`name\` contains ${described}: not used as the name`],
        });
      });
    }

    it("falls back through every candidate to the email's local part when each holds a forbidden character", () => {
      const result = messageFromAttributes({ ...VERIFIED, email: "ada@example.com", name: "A\u202eB", given_name: "A\u0000", preferred_username: "x\u2028y" });
      expect(result).to.deep.equal({
        ok: true,
        message: { email: "ada@example.com", name: "ada", sub: "sub-1" },
        notes: [
          "user attribute `name` contains U+202E (a bidirectional control): not used as the name",
          "user attribute `given_name/family_name` contains U+0000 (a control character): not used as the name",
          "user attribute `preferred_username` contains U+2028 (a line or paragraph separator): not used as the name",
        ],
      });
    });

    it(`cuts a name longer than ${MAX_NAME_CHARACTERS} characters and says so; a name of exactly ${MAX_NAME_CHARACTERS} is kept whole, without a note`, () => {
      const long = messageFromAttributes({ ...VERIFIED, email: "ada@example.com", name: "Ada ".repeat(100) });
      expect(long.ok && codePoints(long.message.name)).to.equal(MAX_NAME_CHARACTERS - 1); // the cut lands on a space, which is trimmed
      expect(long.ok && long.notes).to.deep.equal([`the name was cut to ${MAX_NAME_CHARACTERS} characters`]);
      const exact = messageFromAttributes({ ...VERIFIED, email: "ada@example.com", name: "é".repeat(MAX_NAME_CHARACTERS) });
      expect(exact).to.deep.equal({ ok: true, message: { email: "ada@example.com", name: "é".repeat(MAX_NAME_CHARACTERS), sub: "sub-1" } });
    });

    it("keeps names in every script as they are, without notes", () => {
      for (const name of ["José Núñez", "محمد علي", "יוסף כהן\u200f", "👩‍💻 Ada"]) {
        expect(messageFromAttributes({ ...VERIFIED, email: "ada@example.com", name }), name).to.deep.equal({
          ok: true,
          message: { email: "ada@example.com", name, sub: "sub-1" },
        });
      }
    });
  });

  describe("parseMessage (worker): a message sent by hand meets the producer's rules", () => {
    for (const field of ["email", "name", "sub"] as const) {
      for (const [char, described] of [FORBIDDEN[1], FORBIDDEN[7], FORBIDDEN[10]]) {
        it(`refuses ${described} in \`${field}\``, () => {
          const message = { email: "ada@example.com", name: "Ada", sub: "s-1", [field]: field === "email" ? `ada${char}@example.com` : `x${char}y` };
          expect(parseMessage(JSON.stringify(message))).to.deep.equal({ ok: false, reason: `message field \`${field}\` contains ${described}` });
        });
      }
    }

    it(`cuts a name longer than ${MAX_NAME_CHARACTERS} characters, as the producer does (messages queued before the cap still onboard)`, () => {
      const parsed = parseMessage(JSON.stringify({ email: "ada@example.com", name: "n".repeat(1000), sub: "s" }));
      expect(parsed).to.deep.equal({ ok: true, message: { email: "ada@example.com", name: "n".repeat(MAX_NAME_CHARACTERS), sub: "s" } });
    });

    it("accepts every message the producer builds, unchanged", () => {
      const cases: Record<string, string>[] = [
        { name: "José Núñez" },
        { name: "A\u202eB", given_name: "Ada" },
        { name: "x".repeat(400) },
        { name: "😀".repeat(300) },
        { preferred_username: "countess" },
        {},
      ];
      for (const attrs of cases) {
        const built = messageFromAttributes({ ...VERIFIED, email: " Ada@Example.com ", ...attrs });
        if (!built.ok) throw new Error(`the producer refused ${JSON.stringify(attrs)}: ${built.reason}`);
        expect(parseMessage(JSON.stringify(built.message)), JSON.stringify(attrs)).to.deep.equal({ ok: true, message: built.message });
      }
    });
  });

  describe("producer: a refused or adjusted record never fails the sign-up", () => {
    const deps = () => {
      const sent: ProvisioningMessage[] = [];
      const logs = memoryLog();
      return { sent, logs, deps: { enqueue: async (m: ProvisioningMessage) => void sent.push(m), budgetMs: 200, log: logs.log } };
    };

    it("enqueues nothing for an email holding a control character: one enqueue_failed line (the alarm's) naming the code point, not the address", async () => {
      const { sent, logs, deps: d } = deps();
      const event = postConfirmationEvent({ userAttributes: { sub: "s-9", email: "ada\u0000@example.com", email_verified: "true", name: "Ada" } });
      expect(await handlePostConfirmation(event, d)).to.equal(event);
      expect(sent).to.deep.equal([]);
      expect(logs.entries).to.deep.equal([
        { level: "error", event: ENQUEUE_FAILED, sub: "s-9", error: "user attribute `email` contains U+0000 (a control character)" },
      ]);
      expect(logs.text()).not.to.contain("ada");
    });

    it("enqueues the member under the next name when the name holds a bidirectional override, logging name_adjusted (no alarm)", async () => {
      const { sent, logs, deps: d } = deps();
      const event = postConfirmationEvent({
        userAttributes: { sub: "s-1", email: "ada@example.com", email_verified: "true", name: "Eve\u202elanimirc", given_name: "Ada" },
      });
      expect(await handlePostConfirmation(event, d)).to.equal(event);
      expect(sent).to.deep.equal([{ email: "ada@example.com", name: "Ada", sub: "s-1" }]);
      expect(logs.entries).to.deep.equal([
        { level: "warn", event: NAME_ADJUSTED, sub: "s-1", notes: ["user attribute `name` contains U+202E (a bidirectional control): not used as the name"] },
        { level: "info", event: "enqueued", sub: "s-1" },
      ]);
      expect(logs.text()).not.to.contain(ENQUEUE_FAILED).and.not.to.contain("lanimirc");
    });

    it(`enqueues a name cut to ${MAX_NAME_CHARACTERS} characters`, async () => {
      const { sent, logs, deps: d } = deps();
      await handlePostConfirmation(
        postConfirmationEvent({ userAttributes: { sub: "s-1", email: "ada@example.com", email_verified: "true", name: "x".repeat(5000) } }),
        d,
      );
      expect(sent.map((m) => m.name)).to.deep.equal(["x".repeat(MAX_NAME_CHARACTERS)]);
      expect(logs.entries.map((e) => e.event)).to.deep.equal([NAME_ADJUSTED, "enqueued"]);
    });

    it("returns the event even when its logger throws", async () => {
      const event = postConfirmationEvent();
      const throwing = {
        enqueue: async () => undefined,
        budgetMs: 200,
        log: () => {
          throw new Error("stdout closed");
        },
      };
      expect(await handlePostConfirmation(event, throwing)).to.equal(event);
    });
  });

  describe("worker: a batch with records it cannot read", () => {
    function deps() {
      const logs = memoryLog();
      const notices: Notice[] = [];
      const d: WorkerDeps = {
        appUrl: "https://pluto.example.com",
        notify: async (n) => void notices.push(n),
        fetch: () => Promise.reject(new Error("no n8n here")),
        httpTimeoutMs: 100,
        log: logs.log,
      };
      return { logs, notices, deps: d };
    }
    const failedIds = (r: { batchItemFailures: { itemIdentifier: string }[] }) => r.batchItemFailures.map((f) => f.itemIdentifier);

    it("onboards the good records around a null, a string, an array and a record without a messageId, reporting none of those (they have no id to report)", async () => {
      const { logs, notices, deps: d } = deps();
      const noId = { ...sqsRecord("x", provisioningMessage(9)), messageId: undefined };
      const emptyId = sqsRecord("", provisioningMessage(8));
      const records = [
        sqsRecord("m-1", provisioningMessage(1)),
        null,
        "m-2",
        [sqsRecord("m-3", provisioningMessage(3))],
        noId,
        emptyId,
        sqsRecord("m-4", provisioningMessage(4)),
      ];
      const result = await handleProvisioningBatch({ Records: records as never }, d);
      expect(result).to.deep.equal({ batchItemFailures: [] });
      expect(notices.map((n) => n.subject)).to.deep.equal(["New member: user1@example.com", "New member: user4@example.com"]);
      expect(logs.entries.filter((e) => e.event === "invalid_record")).to.deep.equal(
        [1, 2, 3, 4, 5].map((index) => ({ level: "error", event: "invalid_record", index, error: "the record is not an object with a messageId" })),
      );
    });

    it("reports a record with a messageId whose body is not a string, so it reaches the DLQ", async () => {
      const { logs, deps: d } = deps();
      const result = await handleProvisioningBatch(
        {
          Records: [
            { ...sqsRecord("m-1", ""), body: 42 },
            { ...sqsRecord("m-2", ""), body: null },
          ] as never,
        },
        d,
      );
      expect(failedIds(result)).to.deep.equal(["m-1", "m-2"]);
      expect(logs.entries.map((e) => [e.event, e.messageId])).to.deep.equal([
        ["invalid_message", "m-1"],
        ["invalid_message", "m-2"],
      ]);
    });

    for (const event of [null, undefined, {}, { Records: null }, { Records: "m-1" }, { Records: { messageId: "m-1" } }, 42]) {
      it(`answers ${JSON.stringify(event)} with no failures, logging invalid_event, instead of throwing`, async () => {
        const { logs, deps: d } = deps();
        expect(await handleProvisioningBatch(event as never, d)).to.deep.equal({ batchItemFailures: [] });
        expect(logs.entries).to.deep.equal([{ level: "error", event: "invalid_event", error: "the event has no Records array" }]);
      });
    }

    it("refuses a hand-sent message whose name holds a control character (no notice, to the DLQ), and announces a long name cut", async () => {
      const { logs, notices, deps: d } = deps();
      const bad = sqsRecord("m-bad", { email: "eve@example.com", name: "Eve\r\nBcc: everyone@example.com", sub: "s-bad" });
      const long = sqsRecord("m-long", { email: "ada@example.com", name: "A".repeat(300), sub: "s-long" });
      expect(failedIds(await handleProvisioningBatch({ Records: [bad, long] }, d))).to.deep.equal(["m-bad"]);
      expect(logs.entries[0]).to.deep.include({
        event: "invalid_message",
        messageId: "m-bad",
        error: "message field `name` contains U+000D (a control character)",
      });
      expect(notices).to.have.length(1);
      expect(notices[0].body)
        .to.contain(`${"A".repeat(MAX_NAME_CHARACTERS)} <ada@example.com> has joined`)
        .and.not.to.contain("A".repeat(MAX_NAME_CHARACTERS + 1));
    });
  });
});
