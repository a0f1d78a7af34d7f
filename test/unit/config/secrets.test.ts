// apps[].secrets and the "no secret values in config" rule, alone: the schema of a secret, and every
// cross-field rule of checkSecrets with the exact path, input and message it reports.
import { strict as assert } from "assert";
import { z } from "zod";
import { appSecretKeys, checkSecrets, secretsMountPath } from "../../../config/secrets";

const schema = z.object(appSecretKeys);
type Problem = [(string | number)[], unknown, string];

function check(stack: Parameters<typeof checkSecrets>[0]): Problem[] {
  const found: Problem[] = [];
  checkSecrets(stack, (path, input, message) => found.push([path, input, message]));
  return found;
}

const advice = "declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config";
const gke = { provider: "gke" };

describe("config/secrets: the schema", () => {
  it("mounts under /var/run/secrets/app", () => assert.equal(secretsMountPath, "/var/run/secrets/app"));

  it("defaults to no secrets and to version latest", () => {
    assert.deepEqual(schema.parse({}), { secrets: [] });
    assert.deepEqual(schema.parse({ secrets: [{ name: "db" }] }), { secrets: [{ name: "db", version: "latest" }] });
    assert.deepEqual(schema.parse({ secrets: [{ name: "db_Pass-1", version: "12", file: "db.json" }] }), {
      secrets: [{ name: "db_Pass-1", version: "12", file: "db.json" }],
    });
  });

  const issues = (secret: Record<string, unknown>) => {
    const r = schema.safeParse({ secrets: [secret] });
    assert.equal(r.success, false, JSON.stringify(secret));
    return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("secret IDs of 1 to 255 letters, digits, '-' and '_'", () => {
    assert.equal(schema.parse({ secrets: [{ name: "a".repeat(255) }] }).secrets[0].name, "a".repeat(255));
    for (const name of ["", "a".repeat(256), "a.b", "a/b", "a b"])
      assert.deepEqual(issues({ name }), ["secrets.0.name: expected a Secret Manager secret ID (letters, digits, '-', '_')"], name);
  });

  it("versions: latest or a number from 1", () => {
    for (const version of ["1", "9", "10", "latest"])
      assert.equal(schema.parse({ secrets: [{ name: "a", version }] }).secrets[0].version, version);
    for (const version of ["0", "01", "-1", "1.5", "Latest", "", "v1", "1 "])
      assert.deepEqual(issues({ name: "a", version }), ["secrets.0.version: expected 'latest' or a version number such as '3'"], version);
  });

  it("file names without '/'", () => {
    for (const file of ["a", "a.json", "A_b-c.1"]) assert.equal(schema.parse({ secrets: [{ name: "a", file }] }).secrets[0].file, file);
    for (const file of ["", "a/b", "a b", "/a"])
      assert.deepEqual(issues({ name: "a", file }), ["secrets.0.file: expected a file name (no '/')"], file);
  });
});

describe("config/secrets: no secret values in env or config", () => {
  it("reports each secret value at its key, hiding the value", () => {
    assert.deepEqual(
      check({
        cluster: gke,
        apps: [
          { env: { LOG_LEVEL: "debug" } },
          { env: { DB_PASSWORD: "hunter2", PORT_NAME: "http" }, config: { KEY: "-----BEGIN RSA PRIVATE KEY-----" } },
        ],
      }),
      [
        [
          ["apps", 1, "env", "DB_PASSWORD"],
          "(value hidden)",
          `expected no secret value in env (the key name 'DB_PASSWORD' says it holds a credential); ${advice}`,
        ],
        [
          ["apps", 1, "config", "KEY"],
          "(value hidden)",
          `expected no secret value in config (the value looks like a PEM private key); ${advice}`,
        ],
      ],
    );
  });

  it("skips values that are not strings and maps that are not maps", () => {
    assert.deepEqual(check({ apps: [{ env: { DB_PASSWORD: 5 as unknown as string } }] }), []);
    assert.deepEqual(check({ apps: [{ env: "DB_PASSWORD=x" as unknown as Record<string, unknown> }] }), []);
    assert.deepEqual(check({ apps: [{ env: undefined, config: null as unknown as Record<string, unknown> }] }), []);
  });

  it("skips apps that failed to parse and a stack without a list of apps", () => {
    const apps = [null, "x", ["a"], { env: { TOKEN: "t" } }] as unknown as NonNullable<Parameters<typeof checkSecrets>[0]["apps"]>;
    assert.deepEqual(check({ apps }), [
      [
        ["apps", 3, "env", "TOKEN"],
        "(value hidden)",
        `expected no secret value in env (the key name 'TOKEN' says it holds a credential); ${advice}`,
      ],
    ]);
    assert.deepEqual(check({ apps: { env: { TOKEN: "t" } } as unknown as [] }), []);
    assert.deepEqual(check({}), []);
  });
});

describe("config/secrets: where secrets may be declared", () => {
  const message = "expected no secrets unless cluster.provider is 'gke' (they are mounted by GKE's Secret Manager add-on)";

  it("only on GKE", () => {
    assert.deepEqual(check({ cluster: gke, apps: [{ secrets: [{ name: "db" }] }] }), []);
    assert.deepEqual(check({ cluster: { provider: "kubeconfig" }, apps: [{ secrets: [{ name: "db" }, { name: "api" }] }] }), [
      [["apps", 0, "secrets"], ["db", "api"], message],
    ]);
    assert.deepEqual(check({ apps: [{ secrets: [{ name: "db" }] }] }), [[["apps", 0, "secrets"], ["db"], message]]);
  });

  it("no secrets is fine anywhere; entries that are not mappings do not count", () => {
    assert.deepEqual(check({ cluster: { provider: "kubeconfig" }, apps: [{ secrets: [] }, {}] }), []);
    assert.deepEqual(check({ apps: [{ secrets: [null, "db"] as unknown as [] }] }), []);
    assert.deepEqual(check({ apps: [{ secrets: "db" as unknown as [] }] }), []);
  });
});

describe("config/secrets: one file per secret", () => {
  it("a file name (its own, or the secret's name) used twice, naming the first user", () => {
    assert.deepEqual(
      check({
        cluster: gke,
        apps: [{ secrets: [{ name: "db" }, { name: "api", file: "db" }, { name: "x", file: "y" }, { name: "y" }, { name: "db" }] }],
      }),
      [
        [["apps", 0, "secrets", 1, "file"], "db", "expected a file name unique within the app (secrets[0] uses it)"],
        [["apps", 0, "secrets", 3, "file"], "y", "expected a file name unique within the app (secrets[2] uses it)"],
        [["apps", 0, "secrets", 4, "file"], "db", "expected a file name unique within the app (secrets[1] uses it)"],
      ],
    );
  });

  it("distinct files are fine, also across apps", () => {
    assert.deepEqual(check({ cluster: gke, apps: [{ secrets: [{ name: "db" }, { name: "db2" }] }, { secrets: [{ name: "db" }] }] }), []);
  });

  it("entries without a name or file share the empty name", () => {
    assert.deepEqual(check({ cluster: gke, apps: [{ secrets: [{}, {}] }] }), [
      [["apps", 0, "secrets", 1, "file"], "", "expected a file name unique within the app (secrets[0] uses it)"],
    ]);
  });
});
