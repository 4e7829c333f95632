import { expect } from "chai";
import { messageFromAttributes, parseMessage } from "../../functions/message";

describe("functions/message", () => {
  describe("messageFromAttributes", () => {
    it("lower-cases the email (Open WebUI lower-cases the trusted header) and keeps name and sub", () => {
      expect(messageFromAttributes({ email: " Ada@Example.COM ", name: "Ada Lovelace", sub: "s-1" })).to.deep.equal({
        ok: true,
        message: { email: "ada@example.com", name: "Ada Lovelace", sub: "s-1" },
      });
    });

    it("falls back from name to given/family name, preferred_username, then the email's local part", () => {
      const name = (attrs: Record<string, string>) => {
        const r = messageFromAttributes({ email: "ada@example.com", sub: "s", ...attrs });
        return r.ok ? r.message.name : r.reason;
      };
      expect(name({ given_name: "Ada", family_name: "Lovelace" })).to.equal("Ada Lovelace");
      expect(name({ given_name: "Ada" })).to.equal("Ada");
      expect(name({ name: "  ", preferred_username: "countess" })).to.equal("countess");
      expect(name({})).to.equal("ada");
    });

    it("refuses a missing or malformed email and a missing sub, saying which attribute", () => {
      expect(messageFromAttributes({ sub: "s" })).to.deep.equal({ ok: false, reason: "user attribute `email` is missing" });
      expect(messageFromAttributes({ sub: "s", email: "not-an-email" })).to.deep.equal({ ok: false, reason: "user attribute `email` is not an email address" });
      expect(messageFromAttributes({ email: "a@b.c" })).to.deep.equal({ ok: false, reason: "user attribute `sub` is missing" });
      expect(messageFromAttributes(undefined)).to.have.property("ok", false);
    });
  });

  describe("parseMessage", () => {
    it("accepts what the producer sends", () => {
      expect(parseMessage('{"email":"a@b.c","name":"A","sub":"s"}')).to.deep.equal({ ok: true, message: { email: "a@b.c", name: "A", sub: "s" } });
    });

    for (const [body, reason] of [
      ["not json", "message body is not JSON"],
      ["[1]", "message body is not a JSON object"],
      ["null", "message body is not a JSON object"],
      ['{"email":"a@b.c","name":"A"}', "message field `sub` is missing or not a string"],
      ['{"email":"a@b.c","name":5,"sub":"s"}', "message field `name` is missing or not a string"],
      ['{"email":"nope","name":"A","sub":"s"}', "message field `email` is not an email address"],
    ]) {
      it(`rejects ${body}`, () => {
        expect(parseMessage(body)).to.deep.equal({ ok: false, reason });
      });
    }
  });
});
