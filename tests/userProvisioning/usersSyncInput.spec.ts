// `pluto users sync` builds its messages with the producer's messageFromAttributes, so it enqueues
// exactly what PostConfirmation would have: the same refusals, the same name fallbacks and cap.
import { expect } from "chai";
import { planMessages } from "../../cli/commands/ops/usersSync";
import { memberOf } from "../../cli/commands/ops/users";
import { MAX_NAME_CHARACTERS, parseMessage } from "../../functions/message";
import { member } from "../cli/ops/usersFixtures";

describe("pluto users sync: the producer's input rules", () => {
  it("skips a member whose email holds a control character, naming the code point; replaces a bidi-override name; cuts a long name", () => {
    const members = [
      member(1, { email: "user1\u0000@example.com" }),
      member(2, { name: "Mallory\u202eregnaM", given_name: "Mallory" }),
      member(3, { name: "N".repeat(400) }),
      member(4),
    ].map(memberOf);
    const { messages, skipped } = planMessages(members);
    expect(skipped).to.deep.equal([{ username: "google_101", reason: "user attribute `email` contains U+0000 (a control character)" }]);
    expect(messages.map((m) => [m.email, m.name])).to.deep.equal([
      ["user2@example.com", "Mallory"],
      ["user3@example.com", "N".repeat(MAX_NAME_CHARACTERS)],
      ["user4@example.com", "User 4"],
    ]);
    // What sync enqueues, the worker accepts unchanged.
    for (const m of messages) expect(parseMessage(JSON.stringify(m))).to.deep.equal({ ok: true, message: m });
  });

  it("lists members under the name onboarding announces (pluto users list)", () => {
    expect(memberOf(member(2, { name: "Eve\u2028Bcc: all", given_name: "Eve" })).name).to.equal("Eve");
  });
});
