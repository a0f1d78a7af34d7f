// The shared input contract, alone: every boundary on both sides, numbers that do not divide evenly.
import { strict as assert } from "assert";
import {
  allowedDisruptions,
  annotationKeys,
  blocksEvictions,
  effectiveArgv,
  environments,
  httpUrlProblem,
  intOrPercentProblem,
  isDnsLabel,
  isDnsSubdomain,
  isEnvironment,
  isEnvVarName,
  isZeroIntOrPercent,
  labelKeys,
  parseImageReference,
  parseIntOrPercent,
  parseQuantity,
  pinnedImageProblem,
  qualifiedNameProblem,
  reservedNamespaceProblem,
  resolveIntOrPercent,
  shellForm,
  shellFormProblem,
} from "../../../lib/contract";

const hex64 = "0123456789abcdef".repeat(4);
const digest = `sha256:${hex64}`;

describe("lib/contract: environments and keys", () => {
  it("lists exactly the three environments, in order", () => {
    assert.deepEqual([...environments], ["local", "staging", "production"]);
    assert.equal(isEnvironment("staging"), true);
    assert.equal(isEnvironment("prod"), false);
    assert.equal(isEnvironment(undefined), false);
  });

  it("names the annotations and labels the program writes", () => {
    assert.deepEqual(annotationKeys, {
      role: "rollout.dev/role",
      timeoutSeconds: "pulumi.com/timeoutSeconds",
      skipAwait: "pulumi.com/skipAwait",
      waitFor: "pulumi.com/waitFor",
      changeCause: "kubernetes.io/change-cause",
    });
    assert.deepEqual(labelKeys, { track: "rollout.dev/track", slot: "rollout.dev/slot", variant: "rollout.dev/variant" });
  });

  it("reserves default, kube-*, gke-* and GMP's namespaces, and nothing that only looks alike", () => {
    for (const ns of [
      "default",
      "kube-system",
      "kube-public",
      "kube-node-lease",
      "kube-x",
      "gke-managed-system",
      "gke-gmp-system",
      "gmp-system",
      "gmp-public",
    ]) {
      assert.ok(reservedNamespaceProblem(ns), ns);
    }
    for (const ns of ["cd", "kube", "kubex", "defaults", "gke", "gkex", "gmp-systems", "my-kube-system"])
      assert.equal(reservedNamespaceProblem(ns), undefined, ns);
    assert.equal(reservedNamespaceProblem("default"), "'default' is shared by everything that names no namespace");
  });
});

describe("lib/contract: names", () => {
  it("DNS labels: 63 characters pass, 64 fail; no leading or trailing '-', no upper case", () => {
    assert.equal(isDnsLabel("a".repeat(63)), true);
    assert.equal(isDnsLabel("a".repeat(64)), false);
    assert.equal(isDnsLabel("a".repeat(40), 40), true);
    assert.equal(isDnsLabel("a".repeat(41), 40), false);
    assert.equal(isDnsLabel("a-b"), true);
    assert.equal(isDnsLabel("-ab"), false);
    assert.equal(isDnsLabel("ab-"), false);
    assert.equal(isDnsLabel("aB"), false);
    assert.equal(isDnsLabel(""), false);
    assert.equal(isDnsLabel("1a"), true);
  });

  it("DNS subdomains: 253 characters pass, 254 fail; empty labels fail", () => {
    const label = "a".repeat(63);
    const d253 = [label, label, label, "a".repeat(61)].join(".");
    assert.equal(d253.length, 253);
    assert.equal(isDnsSubdomain(d253), true);
    assert.equal(isDnsSubdomain(`${d253}a`), false);
    assert.equal(isDnsSubdomain("example.com"), true);
    assert.equal(isDnsSubdomain("example..com"), false);
    assert.equal(isDnsSubdomain(".example.com"), false);
    assert.equal(isDnsSubdomain("Example.com"), false);
  });

  it("qualified names (label and annotation keys): prefix and a 1-63 character name", () => {
    assert.equal(qualifiedNameProblem("example.com/feature-1"), undefined);
    assert.equal(qualifiedNameProblem("owner"), undefined);
    assert.equal(qualifiedNameProblem("a_b.c-D"), undefined);
    assert.equal(qualifiedNameProblem(`x/${"a".repeat(63)}`), undefined);
    assert.equal(qualifiedNameProblem(`x/${"a".repeat(64)}`), "the name after the prefix must be 1 to 63 characters, got 64");
    assert.equal(qualifiedNameProblem("x/"), "the name after the prefix must be 1 to 63 characters, got 0");
    assert.equal(qualifiedNameProblem(""), "the name after the prefix must be 1 to 63 characters, got 0");
    assert.match(qualifiedNameProblem("Example.com/x") ?? "", /^the prefix 'Example.com' before '\/' must be a DNS subdomain/);
    assert.match(qualifiedNameProblem("/x") ?? "", /^the prefix '' before/);
    assert.match(qualifiedNameProblem("-x") ?? "", /^the name must be letters/);
    assert.match(qualifiedNameProblem("x-") ?? "", /^the name must be letters/);
    assert.match(qualifiedNameProblem("a b") ?? "", /^the name must be letters/);
    assert.match(qualifiedNameProblem("a/b/c") ?? "", /^the name must be letters/);
  });

  it("environment variable names are C identifiers", () => {
    for (const ok of ["A", "_", "PORT_2", "a1"]) assert.equal(isEnvVarName(ok), true, ok);
    for (const bad of ["", "1A", "A-B", "A.B", "A B"]) assert.equal(isEnvVarName(bad), false, bad);
  });
});

describe("lib/contract: int-or-percent", () => {
  it("parses what the API server accepts and nothing else", () => {
    assert.deepEqual(parseIntOrPercent(0), { kind: "int", value: 0 });
    assert.deepEqual(parseIntOrPercent(3), { kind: "int", value: 3 });
    assert.deepEqual(parseIntOrPercent("0%"), { kind: "percent", value: 0 });
    assert.deepEqual(parseIntOrPercent("25%"), { kind: "percent", value: 25 });
    assert.deepEqual(parseIntOrPercent("100%"), { kind: "percent", value: 100 });
    assert.deepEqual(parseIntOrPercent("101%"), { kind: "percent", value: 101 });
    for (const bad of [-1, 2.5, Number.NaN, Infinity, "3", "2.5%", " 25%", "25 %", "%", "-5%", "", null, undefined, true, {}, [1]]) {
      assert.equal(parseIntOrPercent(bad), undefined, JSON.stringify(bad));
    }
  });

  it("knows zero in both forms", () => {
    assert.equal(isZeroIntOrPercent(0), true);
    assert.equal(isZeroIntOrPercent("0%"), true);
    assert.equal(isZeroIntOrPercent(1), false);
    assert.equal(isZeroIntOrPercent("1%"), false);
    assert.equal(isZeroIntOrPercent("0"), false);
    assert.equal(isZeroIntOrPercent(undefined), false);
  });

  it("rounds percentages up or down as asked, on totals that do not divide evenly", () => {
    assert.equal(resolveIntOrPercent("25%", 10, true), 3);
    assert.equal(resolveIntOrPercent("25%", 10, false), 2);
    assert.equal(resolveIntOrPercent("33%", 3, true), 1);
    assert.equal(resolveIntOrPercent("33%", 3, false), 0);
    assert.equal(resolveIntOrPercent("50%", 4, true), 2);
    assert.equal(resolveIntOrPercent("50%", 4, false), 2);
    assert.equal(resolveIntOrPercent("1%", 1, true), 1);
    assert.equal(resolveIntOrPercent("99%", 7, false), 6);
    assert.equal(resolveIntOrPercent("0%", 7, true), 0);
    assert.equal(resolveIntOrPercent(3, 10, false), 3);
    assert.equal(resolveIntOrPercent(3, 1, true), 3);
  });

  it("refuses to resolve what it cannot parse, naming the value", () => {
    assert.throws(() => resolveIntOrPercent("3", 10, true), { message: 'expected an integer >= 0 or a percentage such as "25%", got "3"' });
  });
});

describe("lib/contract: PodDisruptionBudget math", () => {
  const cases: [string, { minAvailable?: number | string; maxUnavailable?: number | string }, number, number][] = [
    ["maxUnavailable 1 of 3", { maxUnavailable: 1 }, 3, 1],
    ["maxUnavailable 0 of 3", { maxUnavailable: 0 }, 3, 0],
    ["maxUnavailable 10% of 3 (0.3 rounds up)", { maxUnavailable: "10%" }, 3, 1],
    ["maxUnavailable 0% of 3", { maxUnavailable: "0%" }, 3, 0],
    ["maxUnavailable 34% of 3 (1.02 rounds up)", { maxUnavailable: "34%" }, 3, 2],
    ["minAvailable 2 of 3", { minAvailable: 2 }, 3, 1],
    ["minAvailable 3 of 3", { minAvailable: 3 }, 3, 0],
    ["minAvailable 5 of 3", { minAvailable: 5 }, 3, 0],
    ["minAvailable 50% of 3 (1.5 rounds up to 2)", { minAvailable: "50%" }, 3, 1],
    ["minAvailable 66% of 3 (1.98 rounds up to 2)", { minAvailable: "66%" }, 3, 1],
    ["minAvailable 67% of 3 (2.01 rounds up to 3)", { minAvailable: "67%" }, 3, 0],
    ["minAvailable 100% of 3", { minAvailable: "100%" }, 3, 0],
    ["minAvailable 0 of 1", { minAvailable: 0 }, 1, 1],
    ["minAvailable 1 of 1", { minAvailable: 1 }, 1, 0],
    ["no field", {}, 3, 0],
  ];
  for (const [what, budget, pods, allowed] of cases) {
    it(`${what}: ${allowed} eviction(s), ${allowed < 1 ? "blocks" : "allows"} drains`, () => {
      assert.equal(allowedDisruptions(budget, pods), allowed);
      assert.equal(blocksEvictions(budget, pods), allowed < 1);
    });
  }
});

describe("lib/contract: shell-form entrypoints", () => {
  const unsafe: [string[] | undefined, string[] | undefined, "command" | "args", string][] = [
    [["sh", "-c", "node server.js"], undefined, "command", "sh"],
    [["/bin/sh", "-c", "node server.js"], undefined, "command", "/bin/sh"],
    [["/usr/local/bin/bash", "-c", "node"], undefined, "command", "/usr/local/bin/bash"],
    [["zsh", "-c", "node"], undefined, "command", "zsh"],
    [["ksh", "-c", "node"], undefined, "command", "ksh"],
    [["mksh", "-c", "node"], undefined, "command", "mksh"],
    [["/usr/bin/env", "bash", "-c", "node"], undefined, "command", "bash"],
    [["env", "-i", "FOO=1", "sh", "-c", "node"], undefined, "command", "sh"],
    [["busybox", "sh", "-c", "node"], undefined, "command", "sh"],
    [["bash", "-ec", "node"], undefined, "command", "bash"],
    [["bash", "-o", "pipefail", "-c", "node"], undefined, "command", "bash"],
    [["bash", "-e", "-c", "node"], undefined, "command", "bash"],
    [["sh"], ["-c", "node"], "command", "sh"],
    [undefined, ["sh", "-c", "node"], "args", "sh"],
    [[], ["sh", "-c", "node"], "args", "sh"],
    [["sh", "-c", "exec"], undefined, "command", "sh"],
    [["sh", "-c", "execute-me"], undefined, "command", "sh"],
    [["sh", "-c", "node; exec other"], undefined, "command", "sh"],
    [["sh", "-c"], undefined, "command", "sh"],
  ];
  for (const [command, args, field, shell] of unsafe) {
    it(`rejects ${JSON.stringify({ command, args })} in ${field}`, () => {
      const p = shellFormProblem(command, args);
      assert.ok(p);
      assert.equal(p.field, field);
      assert.deepEqual(p.argv, [...(command ?? []), ...(args ?? [])]);
      assert.equal(
        p.message,
        `expected the exec form (["/app", "--flag"]) or a script starting with 'exec ': with '${shell} -c' the shell is PID 1 and does not forward SIGTERM, so the app is killed after the grace period`,
      );
    });
  }
  const safe: [string[] | undefined, string[] | undefined][] = [
    [["/app", "--port", "8080"], undefined],
    [["sh", "-c", "exec /app"], undefined],
    [["sh", "-c", "  exec\t/app"], undefined],
    [["sh", "script.sh"], undefined],
    [["sh", "-e", "script.sh"], undefined],
    [["tini", "--", "sh", "-c", "node"], undefined],
    [["/app"], ["-c", "node"]],
    [["shell", "-c", "node"], undefined],
    [["bash.exe", "-c", "node"], undefined],
    [undefined, undefined],
    [undefined, ["--port", "8080"]],
  ];
  for (const [command, args] of safe) {
    it(`accepts ${JSON.stringify({ command, args })}`, () => assert.equal(shellFormProblem(command, args), undefined));
  }

  it("finds the script after clustered flags and option arguments", () => {
    assert.deepEqual(shellForm(["bash", "-o", "pipefail", "-c", "run"]), { shell: "bash", script: "run" });
    assert.deepEqual(shellForm(["bash", "+o", "x", "-xc", "run"]), { shell: "bash", script: "run" });
    assert.deepEqual(shellForm(["sh", "-c"]), { shell: "sh", script: "" });
    assert.equal(shellForm(["sh"]), undefined);
    assert.equal(shellForm([]), undefined);
  });

  it("takes args alone as the argv only without a command", () => {
    assert.deepEqual(effectiveArgv(["a"], ["b"]), { argv: ["a", "b"], field: "command" });
    assert.deepEqual(effectiveArgv(undefined, ["b"]), { argv: ["b"], field: "args" });
    assert.deepEqual(effectiveArgv([], ["b"]), { argv: ["b"], field: "args" });
    assert.deepEqual(effectiveArgv(["a"], undefined), { argv: ["a"], field: "command" });
  });
});

describe("lib/contract: image references", () => {
  const ok: [string, Record<string, string>][] = [
    [`nginx@${digest}`, { path: "nginx", repository: "nginx", digest }],
    ["nginx:1.25", { path: "nginx", repository: "nginx", tag: "1.25" }],
    ["library/nginx", { path: "library/nginx", repository: "library/nginx" }],
    ["localhost:5000/a", { domain: "localhost:5000", path: "a", repository: "localhost:5000/a" }],
    ["localhost/a", { domain: "localhost", path: "a", repository: "localhost/a" }],
    [
      `registry.example:5000/a/b:v1@${digest}`,
      { domain: "registry.example:5000", path: "a/b", repository: "registry.example:5000/a/b", tag: "v1", digest },
    ],
    [
      `europe-west1-docker.pkg.dev/p/r/app@${digest}`,
      { domain: "europe-west1-docker.pkg.dev", path: "p/r/app", repository: "europe-west1-docker.pkg.dev/p/r/app", digest },
    ],
    ["[::1]:5000/a", { domain: "[::1]:5000", path: "a", repository: "[::1]:5000/a" }],
    ["Registry/a", { domain: "Registry", path: "a", repository: "Registry/a" }],
    ["a__b/c-d/e.f/g--h", { path: "a__b/c-d/e.f/g--h", repository: "a__b/c-d/e.f/g--h" }],
    [`a:${"t".repeat(128)}`, { path: "a", repository: "a", tag: "t".repeat(128) }],
    ["a:_x", { path: "a", repository: "a", tag: "_x" }],
  ];
  for (const [ref, value] of ok) {
    it(`parses ${ref.length > 60 ? `${ref.slice(0, 57)}...` : ref}`, () => assert.deepEqual(parseImageReference(ref), { ok: true, value }));
  }
  const bad: [string, string][] = [
    ["", "it is empty"],
    ["NGINX", "the path component 'NGINX' must be lower-case letters and digits, separated by '.', '_', '__' or '-'"],
    ["a@sha256:abc", "'sha256:abc' after '@' is not a digest 'sha256:' followed by 64 lower-case hex digits"],
    [
      `a@sha256:${hex64.toUpperCase()}`,
      `'sha256:${hex64.toUpperCase()}' after '@' is not a digest 'sha256:' followed by 64 lower-case hex digits`,
    ],
    [`a@sha512:${hex64}`, `'sha512:${hex64}' after '@' is not a digest 'sha256:' followed by 64 lower-case hex digits`],
    ["a:", "the tag '' must be 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"],
    [`a:${"t".repeat(129)}`, `the tag '${"t".repeat(129)}' must be 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`],
    ["a:-x", "the tag '-x' must be 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"],
    ["-a", "the path component '-a' must be lower-case letters and digits, separated by '.', '_', '__' or '-'"],
    ["a//b", "the path component '' must be lower-case letters and digits, separated by '.', '_', '__' or '-'"],
    ["a___b", "the path component 'a___b' must be lower-case letters and digits, separated by '.', '_', '__' or '-'"],
    ["a.-b", "the path component 'a.-b' must be lower-case letters and digits, separated by '.', '_', '__' or '-'"],
    ["bad_host.example/a", "'bad_host.example' is not a registry host[:port]"],
    ["host.example:port/a", "'host.example:port' is not a registry host[:port]"],
  ];
  for (const [ref, reason] of bad) {
    it(`rejects ${JSON.stringify(ref.length > 40 ? `${ref.slice(0, 37)}...` : ref)}`, () =>
      assert.deepEqual(parseImageReference(ref), { ok: false, reason }));
  }

  it("allows a repository name of 255 characters, not 256", () => {
    const name255 = `a/${"b".repeat(253)}`;
    assert.equal(parseImageReference(name255).ok, true);
    assert.deepEqual(parseImageReference(`${name255}b`), {
      ok: false,
      reason: "the repository name is 256 characters, at most 255 are allowed",
    });
  });

  it("says a reference is deployable only when pinned by a sha256 digest", () => {
    assert.equal(pinnedImageProblem(`nginx@${digest}`), undefined);
    assert.equal(pinnedImageProblem(`r.example/a:v1@${digest}`), undefined);
    assert.equal(
      pinnedImageProblem("nginx:1.25"),
      "not pinned by digest: a tag is mutable, so the same config could deploy different code",
    );
    assert.equal(pinnedImageProblem("nginx"), "not pinned by digest: a tag is mutable, so the same config could deploy different code");
    assert.equal(
      pinnedImageProblem("a@sha256:abc"),
      "not an image reference: 'sha256:abc' after '@' is not a digest 'sha256:' followed by 64 lower-case hex digits",
    );
  });
});

describe("lib/contract: quantities", () => {
  const values: [string, number | undefined][] = [
    ["100m", 0.1],
    ["0.5", 0.5],
    [".5", 0.5],
    ["1.", 1],
    ["1", 1],
    ["0", 0],
    ["1k", 1000],
    ["1Ki", 1024],
    ["128Mi", 128 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["1G", 1e9],
    ["1e3", 1000],
    ["1E-3", 0.001],
    ["5n", 5e-9],
    ["5u", 5e-6],
    ["2Ti", 2 * 2 ** 40],
    ["1Pi", 2 ** 50],
    ["1Ei", 2 ** 60],
    ["1P", 1e15],
    ["1E", 1e18],
    ["1T", 1e12],
    ["1M", 1e6],
    ["-1", -1],
    ["+2", 2],
    ["1GB", undefined],
    ["1gi", undefined],
    ["abc", undefined],
    ["", undefined],
    ["1 Gi", undefined],
    ["Mi", undefined],
  ];
  for (const [q, v] of values) {
    it(`${JSON.stringify(q)} is ${v}`, () => {
      const got = parseQuantity(q);
      // Sub-unit suffixes are floating point: equal to 12 significant digits.
      if (v === undefined || got === undefined) assert.equal(got, v);
      else assert.equal(Number(got.toPrecision(12)), Number(v.toPrecision(12)));
    });
  }
});

describe("lib/contract: URLs", () => {
  it("accepts absolute http(s) URLs with a host and says why others fail", () => {
    assert.equal(httpUrlProblem("http://prometheus.monitoring:9090"), undefined);
    assert.equal(httpUrlProblem("https://p.example/api"), undefined);
    assert.equal(httpUrlProblem("ftp://p.example"), "the scheme is 'ftp', expected http or https");
    assert.equal(httpUrlProblem("prometheus:9090"), "the scheme is 'prometheus', expected http or https");
    assert.equal(httpUrlProblem("file:///etc/passwd"), "the scheme is 'file', expected http or https");
    assert.equal(httpUrlProblem("not a url"), "not an absolute URL");
    assert.equal(httpUrlProblem("/api/v1"), "not an absolute URL");
    assert.equal(httpUrlProblem(""), "not an absolute URL");
  });
});

describe("lib/contract: edges the first tests left open", () => {
  it("one-character names are names", () => {
    assert.equal(isDnsLabel("a"), true);
    assert.equal(isDnsSubdomain("a"), true);
    assert.equal(qualifiedNameProblem("a"), undefined);
    assert.equal(qualifiedNameProblem("x/a"), undefined);
  });

  it("a subdomain's labels end with a letter or digit", () => {
    assert.equal(isDnsSubdomain("a-.com"), false);
    assert.equal(isDnsSubdomain("a.b-"), false);
  });

  it("a key without '/' is all name, whatever its case", () => {
    assert.equal(qualifiedNameProblem("Owner"), undefined);
  });

  it("int-or-percent: only a whole string of digits and '%'", () => {
    assert.equal(parseIntOrPercent("25%x"), undefined);
    assert.equal(parseIntOrPercent(["5%"]), undefined);
  });

  it("says why a budget or bound is invalid", () => {
    const notOne = 'not an integer >= 0 or a percentage such as "25%" (a quoted number like "3" is not one)';
    assert.equal(intOrPercentProblem("3"), notOne);
    assert.equal(intOrPercentProblem(-1), notOne);
    assert.equal(intOrPercentProblem("101%"), "101% is above 100%");
    assert.equal(intOrPercentProblem("100%"), undefined);
    assert.equal(intOrPercentProblem(101), undefined);
    assert.equal(intOrPercentProblem(0), undefined);
  });

  it("env: skips only flags and assignments before the shell", () => {
    assert.equal(shellForm(["env", "a-b", "sh", "-c", "x"]), undefined);
    assert.equal(shellForm(["env", "1A=x", "sh", "-c", "x"]), undefined);
    assert.deepEqual(shellForm(["env", "A_1=x", "-i", "sh", "-c", "x"]), { shell: "sh", script: "x" });
  });

  it("shell options: -O and +O take an argument, '+x' is a flag, the first operand ends the search", () => {
    assert.deepEqual(shellForm(["bash", "-O", "extglob", "-c", "run"]), { shell: "bash", script: "run" });
    assert.deepEqual(shellForm(["bash", "+O", "extglob", "-c", "run"]), { shell: "bash", script: "run" });
    assert.deepEqual(shellForm(["bash", "+x", "-c", "run"]), { shell: "bash", script: "run" });
    assert.equal(shellForm(["sh", "script.sh", "-c", "x"]), undefined);
  });

  it("-c only as a cluster of letters containing c", () => {
    assert.deepEqual(shellForm(["bash", "-ce", "run"]), { shell: "bash", script: "run" });
    assert.equal(shellForm(["sh", "-c1", "x"]), undefined);
    assert.equal(shellForm(["bash", "+x-c", "s"]), undefined);
  });

  it("exec followed by any run of white space hands over PID 1", () => {
    assert.equal(shellFormProblem(["sh", "-c", "exec  /app"], undefined), undefined);
  });

  it("no command and no args is an empty argv from args", () => {
    assert.deepEqual(effectiveArgv(undefined, undefined), { argv: [], field: "args" });
  });

  it("a reference that starts with '@' has an empty path", () => {
    assert.deepEqual(parseImageReference(`@${digest}`), {
      ok: false,
      reason: "the path component '' must be lower-case letters and digits, separated by '.', '_', '__' or '-'",
    });
  });

  it("quantities: anchored at the start, several digits after '.' and in the exponent", () => {
    assert.equal(parseQuantity("x1"), undefined);
    assert.equal(parseQuantity(".55"), 0.55);
    assert.equal(parseQuantity("1e10"), 1e10);
  });
});
