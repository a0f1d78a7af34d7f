import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { defaultsByEnvironment, EnvironmentDefaults, environments } from "../../../config/defaults";

/** The README's per-environment defaults table, as `{row: [local, staging, production]}`. */
function readmeDefaults(): Map<string, string[]> {
  const readme = fs.readFileSync(path.resolve(__dirname, "../../../README.md"), "utf8");
  const section = readme.split("### Per-environment defaults")[1].split("\n\n")[1];
  const rows = new Map<string, string[]>();
  for (const line of section.split("\n").slice(2)) {
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    rows.set(cells[0].split(" ")[0], cells.slice(1));
  }
  return rows;
}

const asCell = (v: unknown) => (v === true ? "yes" : v === false ? "no" : String(v));

describe("config: documented defaults", () => {
  it("the README table states exactly the defaults the code applies", () => {
    const table = readmeDefaults();
    const keys = Object.keys(defaultsByEnvironment.local) as (keyof EnvironmentDefaults)[];
    assert.deepEqual([...table.keys()].sort(), [...keys].sort());
    for (const key of keys) {
      assert.deepEqual(
        table.get(key),
        environments.map((env) => asCell(defaultsByEnvironment[env][key])),
        `README row ${key}`,
      );
    }
  });
});
