// The two dynamic providers (rollout gate, ConfigMap pruner), called as the engine calls them in
// `pulumi up`: create, diff, update. kubectl is a scripted fake on PATH that records its arguments,
// Prometheus a local HTTP server, so every kubectl call and every message is checked exactly.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { pruner } from "../../../components/config-revisions";
import { gateProvider } from "../../../components/gate";
import { fakeKubectl, FakeKubectl, KubectlAnswer } from "../../support/fake-kubectl";

const smoke = { path: "/healthz", expectStatus: 200, attempts: 3, intervalSeconds: 0 };
const proxy = "/api/v1/namespaces/shop/services/web:http/proxy/healthz";
const base = { namespace: "shop", service: "web", candidate: "sha256-aaaaaaaaaaaa" };

let kubectl: FakeKubectl | undefined;
function withKubectl(answers: KubectlAnswer[]): FakeKubectl {
  kubectl = fakeKubectl(answers);
  return kubectl;
}
afterEach(() => {
  kubectl?.restore();
  kubectl = undefined;
});

describe("gate provider: create and update run the checks", () => {
  it("create with no check passes at once: the id names the service and candidate, the outputs are the inputs and a timestamp", async () => {
    const k = withKubectl([]);
    const before = Date.now();
    const r = await gateProvider.create({ ...base, config: {} });
    assert.equal(r.id, "shop/web@sha256-aaaaaaaaaaaa");
    const { passedAt, ...rest } = r.outs;
    assert.deepEqual(rest, { ...base, config: {} });
    assert.match(passedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Date.parse(passedAt) >= before - 1 && Date.parse(passedAt) <= Date.now() + 1, passedAt);
    assert.deepEqual(k.calls(), []);
  });

  it("a smoke check that passes on its first attempt asks the API server's service proxy once, with the kubeconfig path and context", async () => {
    const k = withKubectl([{ match: "get --raw", stdout: "ok" }]);
    await gateProvider.create({ ...base, config: { smoke }, kubeconfig: "/etc/kube/config", context: "staging" });
    assert.deepEqual(k.calls(), [["--kubeconfig", "/etc/kube/config", "--context", "staging", "get", "--raw", proxy]]);
  });

  it("kubeconfig contents go to a private file, never onto the command line", async () => {
    const k = withKubectl([{ match: "get --raw", stdout: "ok" }]);
    const contents = '{"apiVersion":"v1","kind":"Config"}';
    await gateProvider.create({ ...base, config: { smoke }, kubeconfig: contents });
    const [call] = k.calls();
    assert.equal(call[0], "--kubeconfig");
    assert.notEqual(call[1], contents);
    assert.equal(fs.readFileSync(call[1], "utf8"), contents);
    assert.equal(fs.statSync(call[1]).mode & 0o777, 0o600);
    assert.deepEqual(call.slice(2), ["get", "--raw", proxy]);
    fs.rmSync(path.dirname(call[1]), { recursive: true });
  });

  it("a failed attempt is retried, and the first passing attempt ends the check", async () => {
    const k = withKubectl([
      { match: "get --raw", stderr: "Error from server (ServiceUnavailable): no endpoints available\n", exit: 1, once: true },
      { match: "get --raw", stdout: "ok" },
    ]);
    const r = await gateProvider.create({ ...base, config: { smoke } });
    assert.equal(r.id, "shop/web@sha256-aaaaaaaaaaaa");
    assert.equal(k.calls().length, 2);
  });

  it("waits intervalSeconds between attempts", async () => {
    withKubectl([
      { match: "get --raw", exit: 1, stderr: "refused", once: true },
      { match: "get --raw", stdout: "ok" },
    ]);
    const start = Date.now();
    await gateProvider.create({ ...base, config: { smoke: { ...smoke, intervalSeconds: 0.3 } } });
    assert.ok(Date.now() - start >= 290, `took ${Date.now() - start} ms`);
  });

  it("every attempt failing fails the gate with the last reason, the stderr trimmed, and leaves traffic where it is", async () => {
    const k = withKubectl([{ match: "get --raw", stderr: '  Error from server (NotFound): services "web" not found \n', exit: 1 }]);
    await assert.rejects(gateProvider.create({ ...base, config: { smoke } }), (e: Error) => {
      assert.equal(
        e.message,
        'gate failed for shop/web (sha256-aaaaaaaaaaaa): 3 attempt(s) failed; last: GET /healthz failed: Error from server (NotFound): services "web" not found; traffic stays on the current version',
      );
      return true;
    });
    assert.equal(k.calls().length, 3);
  });

  it("an answer without the expected body fails, and the step under test is named", async () => {
    withKubectl([{ match: "get --raw", stdout: "starting" }]);
    await assert.rejects(
      gateProvider.create({ ...base, step: "weight 30%", config: { smoke: { ...smoke, attempts: 1, expectBody: "ok" } } }),
      {
        message:
          "gate failed for shop/web (sha256-aaaaaaaaaaaa, weight 30%): 1 attempt(s) failed; last: GET /healthz body does not contain 'ok': 'starting'; traffic stays on the current version",
      },
    );
  });

  it("a kubectl that cannot run reports why (its spawn error), not an empty reason", async () => {
    const oldPath = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await assert.rejects(gateProvider.create({ ...base, config: { smoke: { ...smoke, attempts: 1 } } }), {
        message:
          "gate failed for shop/web (sha256-aaaaaaaaaaaa): 1 attempt(s) failed; last: GET /healthz failed: spawnSync kubectl ENOENT; traffic stays on the current version",
      });
    } finally {
      process.env.PATH = oldPath;
    }
  });

  it("update runs the checks on the new inputs and returns them with a new timestamp", async () => {
    const k = withKubectl([{ match: "get --raw", stdout: "ok" }]);
    const news = { ...base, candidate: "sha256-bbbbbbbbbbbb", config: { smoke } };
    const r = await gateProvider.update!("shop/web@sha256-aaaaaaaaaaaa", { ...base, config: {} }, news);
    const { passedAt, ...rest } = r.outs!;
    assert.deepEqual(rest, news);
    assert.match(passedAt, /Z$/);
    assert.equal(k.calls().length, 1);
  });

  it("a failing update throws, so the engine keeps the old outputs", async () => {
    withKubectl([{ match: "get --raw", exit: 1, stderr: "boom" }]);
    await assert.rejects(
      gateProvider.update!(
        "id",
        { ...base, config: {} },
        { ...base, candidate: "sha256-bbbbbbbbbbbb", config: { smoke: { ...smoke, attempts: 1 } } },
      ),
      {
        message:
          "gate failed for shop/web (sha256-bbbbbbbbbbbb): 1 attempt(s) failed; last: GET /healthz failed: boom; traffic stays on the current version",
      },
    );
  });
});

describe("gate provider: a failed canary is reverted before pulumi up fails", () => {
  const revert = {
    scale: [
      { workload: "web", replicas: 7 },
      { workload: "web-canary", replicas: 0 },
    ],
    route: { name: "web", rules: [{ backendRefs: [{ name: "web", port: 8080, weight: 100 }] }] },
    summary: "HTTPRoute web sends 100% to stable",
  };
  const failing = { ...base, step: "weight 30%", revert, config: { smoke: { ...smoke, attempts: 1 } }, context: "prod" };

  it("patches the route, then each Deployment's replicas, under the gate's field manager, and says where traffic is", async () => {
    const k = withKubectl([
      { match: "get --raw", exit: 1, stderr: "503" },
      { match: "patch", stdout: "patched" },
    ]);
    await assert.rejects(gateProvider.create(failing), {
      message:
        "gate failed for shop/web (sha256-aaaaaaaaaaaa, weight 30%): 1 attempt(s) failed; last: GET /healthz failed: 503; traffic is back on stable: HTTPRoute web sends 100% to stable; the next `pulumi up` retries this step",
    });
    assert.deepEqual(k.calls().slice(1), [
      [
        "--context",
        "prod",
        "patch",
        "httproute/web",
        "-n",
        "shop",
        "--type=merge",
        "-p",
        '{"spec":{"rules":[{"backendRefs":[{"name":"web","port":8080,"weight":100}]}]}}',
        "--field-manager=rollout-gate",
      ],
      [
        "--context",
        "prod",
        "patch",
        "deployment/web",
        "-n",
        "shop",
        "--type=merge",
        "-p",
        '{"spec":{"replicas":7}}',
        "--field-manager=rollout-gate",
      ],
      [
        "--context",
        "prod",
        "patch",
        "deployment/web-canary",
        "-n",
        "shop",
        "--type=merge",
        "-p",
        '{"spec":{"replicas":0}}',
        "--field-manager=rollout-gate",
      ],
    ]);
  });

  it("a revert that fails stops at once and says to check the live objects", async () => {
    const k = withKubectl([
      { match: "get --raw", exit: 1, stderr: "503" },
      { match: "patch httproute", exit: 1, stderr: "Error from server (Forbidden): httproutes is forbidden\n" },
    ]);
    await assert.rejects(gateProvider.create(failing), (e: Error) => {
      assert.equal(
        e.message,
        "gate failed for shop/web (sha256-aaaaaaaaaaaa, weight 30%): 1 attempt(s) failed; last: GET /healthz failed: 503; putting traffic back on stable FAILED (Error from server (Forbidden): httproutes is forbidden): check the live objects",
      );
      assert.ok(e.cause instanceof Error, "the kubectl error is kept as the cause");
      return true;
    });
    assert.equal(k.calls().length, 2, "no scale is attempted after the route failed");
  });
});

describe("gate provider: Prometheus", () => {
  let server: http.Server;
  let url: string;
  const requests: string[] = [];
  let answer: unknown;
  before(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? "");
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(answer));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  beforeEach(() => {
    requests.length = 0;
  });
  const vector = (v: string) => ({ status: "success", data: { resultType: "vector", result: [{ value: [1, v] }] } });
  const prometheus = (u: string) => ({ url: u, query: 'sum(rate(http_errors_total{app="web"}[1m]))', max: 0.01 });

  it("queries /api/v1/query with the query URL-encoded (a trailing slash on the URL is dropped) and passes at the limit", async () => {
    answer = vector("0.01");
    await gateProvider.create({ ...base, config: { prometheus: prometheus(`${url}/`) } });
    assert.deepEqual(requests, ["/api/v1/query?query=sum(rate(http_errors_total%7Bapp%3D%22web%22%7D%5B1m%5D))"]);
  });

  it("fails above the limit", async () => {
    answer = vector("0.0101");
    await assert.rejects(gateProvider.create({ ...base, config: { prometheus: prometheus(url) } }), {
      message: `gate failed for shop/web (sha256-aaaaaaaaaaaa): 'sum(rate(http_errors_total{app="web"}[1m]))' = 0.0101 > 0.01; traffic stays on the current version`,
    });
  });

  it("an unreachable Prometheus fails the gate and names the URL", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    await assert.rejects(gateProvider.create({ ...base, config: { prometheus: prometheus(dead) } }), {
      message: `gate failed for shop/web (sha256-aaaaaaaaaaaa): Prometheus at ${dead} unreachable: fetch failed; traffic stays on the current version`,
    });
  });

  it("an answer that is not JSON fails the gate", async () => {
    const text = http.createServer((_req, res) => res.end("<html>bad gateway</html>"));
    await new Promise<void>((r) => text.listen(0, "127.0.0.1", r));
    const u = `http://127.0.0.1:${(text.address() as AddressInfo).port}`;
    try {
      await assert.rejects(gateProvider.create({ ...base, config: { prometheus: prometheus(u) } }), (e: Error) => {
        assert.match(e.message, new RegExp(`^gate failed for shop/web \\(sha256-aaaaaaaaaaaa\\): Prometheus at ${u} unreachable: .*JSON`));
        return true;
      });
    } finally {
      text.close();
    }
  });

  it("a failing smoke check fails first: Prometheus is not asked", async () => {
    withKubectl([{ match: "get --raw", exit: 1, stderr: "503" }]);
    answer = vector("0");
    await assert.rejects(
      gateProvider.create({ ...base, config: { smoke: { ...smoke, attempts: 1 }, prometheus: prometheus(url) } }),
      /GET \/healthz failed: 503/,
    );
    assert.deepEqual(requests, []);
  });

  it("a passing smoke check is followed by the query, and both passing pass the gate", async () => {
    const k = withKubectl([{ match: "get --raw", stdout: "ok" }]);
    answer = vector("0");
    const r = await gateProvider.create({ ...base, config: { smoke, prometheus: prometheus(url) } });
    assert.equal(r.id, "shop/web@sha256-aaaaaaaaaaaa");
    assert.equal(k.calls().length, 1);
    assert.equal(requests.length, 1);
  });
});

describe("gate provider: diff", () => {
  const olds = { ...base, step: "weight 10%", config: { smoke }, kubeconfig: "/a", revert: { scale: [], summary: "a" } };
  const diff = (news: Record<string, unknown>) => gateProvider.diff!("id", olds, { ...olds, ...news });

  it("nothing changed: no update, so an unchanged release does not re-run its checks", async () => {
    assert.deepEqual(await diff({}), { changes: false });
  });
  it("a new candidate, a new step or a changed check re-runs the gate", async () => {
    assert.deepEqual(await diff({ candidate: "sha256-bbbbbbbbbbbb" }), { changes: true });
    assert.deepEqual(await diff({ step: "weight 20%" }), { changes: true });
    assert.deepEqual(await diff({ step: undefined }), { changes: true });
    assert.deepEqual(await diff({ config: { smoke: { ...smoke, attempts: 4 } } }), { changes: true });
  });
  it("connection details and the revert plan alone do not re-run it", async () => {
    assert.deepEqual(
      await diff({ kubeconfig: "/b", context: "other", revert: { scale: [{ workload: "x", replicas: 1 }], summary: "b" } }),
      {
        changes: false,
      },
    );
  });
});

describe("ConfigMap pruner provider", () => {
  const rs = (...names: string[]) =>
    JSON.stringify({
      items: names.map((n) => ({
        metadata: { name: "rs" },
        spec: { template: { spec: { containers: [{ envFrom: [{ configMapRef: { name: n } }] }] } } },
      })),
    });
  const cms = (...names: string[]) => JSON.stringify({ items: names.map((name) => ({ metadata: { name } })) });
  const old1 = "web-config-0000000001";
  const old2 = "web-config-0000000002";
  const kept = "web-config-0000000003";
  const current = "web-config-0000000004";
  const recorded = "web-config-0000000005";

  it("create lists the app's ReplicaSets and ConfigMaps by label and deletes, in order, the revisions nothing names", async () => {
    const k = withKubectl([
      { match: "get replicasets", stdout: rs(kept) },
      { match: "get configmaps", stdout: cms(old2, kept, current, recorded, old1, "web-settings") },
      { match: "delete configmap" },
    ]);
    const r = await pruner.create({ namespace: "shop", app: "web", current, recorded, context: "c" });
    assert.equal(r.id, "shop/web-config-revisions");
    assert.deepEqual(r.outs, { namespace: "shop", app: "web", current, recorded, context: "c", pruned: [old1, old2] });
    const sel = "app.kubernetes.io/name=web";
    assert.deepEqual(k.calls(), [
      ["--context", "c", "-n", "shop", "get", "replicasets", "-l", sel, "-o", "json"],
      ["--context", "c", "-n", "shop", "get", "configmaps", "-l", sel, "-o", "json"],
      ["--context", "c", "-n", "shop", "delete", "configmap", old1, "--ignore-not-found", "--wait=false"],
      ["--context", "c", "-n", "shop", "delete", "configmap", old2, "--ignore-not-found", "--wait=false"],
    ]);
  });

  it("ReplicaSets without a template and nothing to prune delete nothing", async () => {
    const k = withKubectl([
      {
        match: "get replicasets",
        stdout: JSON.stringify({ items: [{ metadata: { name: "rs" } }, { metadata: { name: "rs2" }, spec: {} }] }),
      },
      { match: "get configmaps", stdout: cms(current) },
    ]);
    const r = await pruner.create({ namespace: "shop", app: "web", current, kubeconfig: "/k" });
    assert.deepEqual(r.outs.pruned, []);
    assert.equal(k.calls().length, 2);
    assert.deepEqual(k.calls()[0].slice(0, 4), ["--kubeconfig", "/k", "-n", "shop"]);
  });

  it("update prunes with the new inputs; a kubectl failure fails the update", async () => {
    withKubectl([
      { match: "get replicasets", stdout: rs() },
      { match: "get configmaps", stdout: cms(old1, current) },
      { match: "delete configmap" },
    ]);
    const r = await pruner.update!("id", { namespace: "shop", app: "web", current: old1 }, { namespace: "shop", app: "web", current });
    assert.deepEqual(r.outs, { namespace: "shop", app: "web", current, pruned: [old1] });
    kubectl!.restore();
    withKubectl([{ match: "get", exit: 1, stderr: "forbidden" }]);
    await assert.rejects(
      pruner.update!("id", {}, { namespace: "shop", app: "web", current }),
      /Command failed: kubectl -n shop get replicasets/,
    );
  });

  it("diff: only a new current ConfigMap re-runs it", async () => {
    const olds = { namespace: "shop", app: "web", current, recorded, kubeconfig: "/a" };
    assert.deepEqual(await pruner.diff!("id", olds, { ...olds }), { changes: false });
    assert.deepEqual(await pruner.diff!("id", olds, { ...olds, recorded: old1, kubeconfig: "/b" }), { changes: false });
    assert.deepEqual(await pruner.diff!("id", olds, { ...olds, current: old1 }), { changes: true });
  });
});
