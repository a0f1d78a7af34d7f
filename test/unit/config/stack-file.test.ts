// Pulumi.<stack>.yaml to the raw config map: YAML errors with file, line and column, the shapes that
// are not a stack file, and files that cannot be read. Every message exact.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../../config/load";
import { parseStackFile, readStackFile } from "../../../config/stack-file";

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
  assert.fail("expected a ConfigError");
}
const parse = (text: string) => parseStackFile(text, "Pulumi.x.yaml");

describe("config/stack-file: YAML errors", () => {
  it("names file, line and column, and the parser's words without its excerpt", () => {
    assert.deepEqual(
      problems(() => parse("a: 1\na: 2\n")),
      ["Pulumi.x.yaml:2:1: expected valid YAML: Map keys must be unique"],
    );
    assert.deepEqual(
      problems(() => parse("config:\n  rollout:apps: []\n  rollout:apps: [1]\n")),
      ["Pulumi.x.yaml:3:3: expected valid YAML: Map keys must be unique"],
    );
    assert.deepEqual(
      problems(() => parse("config:\n\tx: 1\n")),
      ["Pulumi.x.yaml:2:1: expected valid YAML: Tabs are not allowed as indentation"],
    );
  });

  it("reports every error of the file", () => {
    const e = (() => {
      try {
        parse("x: 1\n  y: 2\n");
      } catch (err) {
        return err as ConfigError;
      }
      assert.fail("expected a ConfigError");
    })();
    assert.deepEqual(e.problems, [
      "Pulumi.x.yaml:1:4: expected valid YAML: Nested mappings are not allowed in compact mappings",
      "Pulumi.x.yaml:1:4: expected valid YAML: Implicit keys need to be on a single line",
    ]);
    assert.equal(
      e.message,
      "invalid stack config (2 problems):\n  - Pulumi.x.yaml:1:4: expected valid YAML: Nested mappings are not allowed in compact mappings\n  - Pulumi.x.yaml:1:4: expected valid YAML: Implicit keys need to be on a single line",
    );
  });
});

describe("config/stack-file: shapes", () => {
  it("returns the config mapping as it is", () => {
    assert.deepEqual(parse("config:\n  rollout:apps:\n    - name: demo\n  gcp:project: p\n"), {
      "rollout:apps": [{ name: "demo" }],
      "gcp:project": "p",
    });
  });

  it("an empty file, a file without config, or an empty config is no config", () => {
    for (const text of ["", "# nothing\n", "null\n", "other: 1\n", "config:\n", "config: null\n", "config: ~\n"])
      assert.deepEqual(parse(text), {}, JSON.stringify(text));
  });

  it("refuses a document that is not a mapping", () => {
    assert.deepEqual(
      problems(() => parse("- a\n- b\n")),
      ["Pulumi.x.yaml: expected a YAML mapping with a 'config' key, got a list"],
    );
    assert.deepEqual(
      problems(() => parse("42\n")),
      ["Pulumi.x.yaml: expected a YAML mapping with a 'config' key, got 42"],
    );
    assert.deepEqual(
      problems(() => parse("hello\n")),
      ["Pulumi.x.yaml: expected a YAML mapping with a 'config' key, got \"hello\""],
    );
  });

  it("refuses a config that is not a mapping", () => {
    assert.deepEqual(
      problems(() => parse("config: [1]\n")),
      ["Pulumi.x.yaml: expected 'config' to be a mapping of keys such as 'rollout:apps', got a list"],
    );
    assert.deepEqual(
      problems(() => parse("config: 5\n")),
      ["Pulumi.x.yaml: expected 'config' to be a mapping of keys such as 'rollout:apps', got 5"],
    );
    assert.deepEqual(
      problems(() => parse('config: "s"\n')),
      ["Pulumi.x.yaml: expected 'config' to be a mapping of keys such as 'rollout:apps', got \"s\""],
    );
    assert.deepEqual(
      problems(() => parse("config: false\n")),
      ["Pulumi.x.yaml: expected 'config' to be a mapping of keys such as 'rollout:apps', got false"],
    );
  });
});

describe("config/stack-file: reading", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-stack-file-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads and parses a file, naming it in messages", () => {
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, "config:\n  rollout:environment: local\n");
    assert.deepEqual(readStackFile(file), { "rollout:environment": "local" });
    fs.writeFileSync(file, "config:\n  a: 1\n  a: 2\n");
    assert.deepEqual(
      problems(() => readStackFile(file)),
      [`${file}:3:3: expected valid YAML: Map keys must be unique`],
    );
  });

  it("a missing file or a directory is a ConfigError with the error code", () => {
    const missing = path.join(dir, "Pulumi.none.yaml");
    assert.deepEqual(
      problems(() => readStackFile(missing)),
      [`${missing}: expected a readable stack config file (ENOENT)`],
    );
    assert.deepEqual(
      problems(() => readStackFile(dir)),
      [`${dir}: expected a readable stack config file (EISDIR)`],
    );
  });
});
