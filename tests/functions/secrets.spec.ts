import { expect } from "chai";
import { cachedSecrets } from "../../functions/secrets";

describe("functions/secrets: cachedSecrets", () => {
  it("reads each ARN once, even for concurrent first reads", async () => {
    const reads: string[] = [];
    const secret = cachedSecrets(async (arn) => {
      reads.push(arn);
      return `value-of-${arn}`;
    });
    const values = await Promise.all([secret("a"), secret("a"), secret("b")]);
    expect(await secret("a")).to.equal("value-of-a");
    expect(values).to.deep.equal(["value-of-a", "value-of-a", "value-of-b"]);
    expect(reads).to.deep.equal(["a", "b"]);
  });

  it("does not cache a failed read, so the next record retries it", async () => {
    let attempt = 0;
    const secret = cachedSecrets(async () => {
      attempt++;
      if (attempt === 1) throw new Error("ThrottlingException");
      return "token";
    });
    let failure: unknown;
    await secret("a").catch((e) => (failure = e));
    expect(String(failure)).to.contain("ThrottlingException");
    expect(await secret("a")).to.equal("token");
    expect(attempt).to.equal(2);
  });
});
