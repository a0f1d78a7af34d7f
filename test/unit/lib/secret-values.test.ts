// "No secret values in config": each credential pattern on a value that matches and one that just misses,
// key names that say credential and ones that only contain the letters.
import { strict as assert } from "assert";
import { secretValueAdvice, secretValueProblem } from "../../../lib/secret-values";

const alnum36 = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

describe("lib/secret-values: values that are credentials whatever the key", () => {
  const hits: [string, string][] = [
    ["-----BEGIN PRIVATE KEY-----\nMIIE", "a PEM private key"],
    ["-----BEGIN RSA PRIVATE KEY-----", "a PEM private key"],
    ["-----BEGIN EC PRIVATE KEY-----", "a PEM private key"],
    ["AKIAIOSFODNN7EXAMPLE", "an AWS access key id"],
    ["key=ASIAIOSFODNN7EXAMPLE;", "an AWS access key id"],
    [`ghp_${alnum36}`, "a GitHub token"],
    [`gho_${alnum36}`, "a GitHub token"],
    [`ghu_${alnum36}`, "a GitHub token"],
    [`ghs_${alnum36}`, "a GitHub token"],
    [`ghr_${alnum36}`, "a GitHub token"],
    [`github_pat_${"a".repeat(22)}`, "a GitHub token"],
    [`AIza${"B".repeat(35)}`, "a Google API key"],
    [`AIza${"_-".repeat(17)}x`, "a Google API key"],
    ["xoxb-1234567890", "a Slack token"],
    ["xoxa-12345-67890", "a Slack token"],
    ["xoxp-abcdefghij", "a Slack token"],
    ["xoxr-abcdefghij", "a Slack token"],
    ["xoxs-abcdefghij", "a Slack token"],
    ['{"type": "service_account", "private_key_id": "abc"}', "a GCP service account key"],
    ['"private_key_id":"abc"', "a GCP service account key"],
    ["postgres://user:hunter2@db:5432/app", "credentials in a URL"],
    ["HTTPS://u:p@example.com", "credentials in a URL"],
    ["git+ssh://u:p@host/repo", "credentials in a URL"],
  ];
  for (const [value, name] of hits) {
    it(`${JSON.stringify(value.slice(0, 40))} looks like ${name}`, () =>
      assert.equal(secretValueProblem("SETTING", value), `the value looks like ${name}`));
  }

  const misses = [
    "-----BEGIN PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----",
    "AKIAIOSFODNN7EXAMPL",
    "AKIAIOSFODNN7EXAMPLEX",
    "AKIAiosfodnn7example",
    "XKIAIOSFODNN7EXAMPLE",
    `ghp_${alnum36.slice(1)}`,
    `ghp_${alnum36}x`,
    `ghx_${alnum36}`,
    `github_pat_${"a".repeat(21)}`,
    `AIza${"B".repeat(34)}`,
    `AIza${"B".repeat(36)}`,
    "xoxb-123456789",
    "xoxc-1234567890",
    '"private_key": "abc"',
    "private_key_id: abc",
    "postgres://db:5432/app",
    "postgres://user@db:5432/app",
    "https://example.com/a:b@c",
    "://u:p@host",
    "plain value",
    "",
  ];
  for (const value of misses) {
    it(`${JSON.stringify(value.slice(0, 40))} is no secret value`, () => assert.equal(secretValueProblem("SETTING", value), undefined));
  }
});

describe("lib/secret-values: key names that say credential", () => {
  const credentialKeys = [
    "PASSWORD",
    "DB_PASSWORD",
    "db.password",
    "password-file-not",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "CLIENT_SECRET",
    "TOKEN",
    "GITHUB_TOKEN",
    "API_KEY",
    "APIKEY",
    "API-KEY",
    "api.key",
    "PRIVATE_KEY",
    "PRIVATEKEY",
    "ACCESS_KEY",
    "ACCESSKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "AUTH",
    "BASIC_AUTH",
    "AUTH_HEADER",
  ];
  for (const key of credentialKeys) {
    it(`${key} with a value is refused`, () =>
      assert.equal(secretValueProblem(key, "hunter2"), `the key name '${key}' says it holds a credential`));
  }

  const plainKeys = ["AUTHOR", "TOKENIZER", "SECRETARY", "PASSWORDS", "OAUTH", "MY_AUTHOR", "KEY", "API", "ACCESS", "PRIVATE", "LOG_LEVEL"];
  for (const key of plainKeys) {
    it(`${key} is only a name`, () => assert.equal(secretValueProblem(key, "hunter2"), undefined));
  }

  it("lets an empty value or a file path through under a credential name", () => {
    assert.equal(secretValueProblem("DB_PASSWORD", ""), undefined);
    assert.equal(secretValueProblem("DB_PASSWORD", "/var/run/secrets/app/db"), undefined);
    assert.equal(secretValueProblem("DB_PASSWORD", "var/run/secrets/app/db"), "the key name 'DB_PASSWORD' says it holds a credential");
    assert.equal(secretValueProblem("DB_PASSWORD", " /x"), "the key name 'DB_PASSWORD' says it holds a credential");
  });

  it("names a credential value before the key, also under a file-path-looking value", () => {
    assert.equal(secretValueProblem("DB_PASSWORD", "AKIAIOSFODNN7EXAMPLE"), "the value looks like an AWS access key id");
    assert.equal(secretValueProblem("URL", "/x?u=https://a:b@c"), "the value looks like credentials in a URL");
  });

  it("gives one piece of advice", () => {
    assert.equal(
      secretValueAdvice,
      "declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config",
    );
  });
});
