// docs/sign-in.md's "Versions deployed" table states each image's security floor; the pack reads
// the floors from policies/rules/imageFloors.ts. The page must say what the pack enforces.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { SECURITY_FLOORS } from "../../policies/rules/imageFloors";

const ROOT = path.join(__dirname, "..", "..");

describe("docs/sign-in.md: versions deployed", () => {
  const page = fs.readFileSync(path.join(ROOT, "docs", "sign-in.md"), "utf8");
  const section = page.slice(page.indexOf("## Versions deployed"));
  const rows = [...section.matchAll(/^\| ([^|`]+?) `[^`]+` (?:\(optional\) )?\| `v?([^`]+)` [^|]*\|[^|]*\| ([0-9.]+)/gm)].map((m) => ({
    app: m[1].trim(),
    pinned: m[2],
    floor: m[3],
  }));

  it("gives every image's floor exactly as the pack's floor table", () => {
    for (const floor of SECURITY_FLOORS) {
      const row = rows.find((r) => r.app.startsWith(floor.app.split(" ")[0]));
      expect(row, `a row for ${floor.app}`).to.not.equal(undefined);
      expect(row!.floor, floor.app).to.equal(floor.minimum);
    }
  });
});
