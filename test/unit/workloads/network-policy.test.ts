// workloads/network-policy.ts: default deny, then exactly what the app needs in and out.
import { strict as assert } from "assert";
import { appOf } from "../../support/apps";
import {
  appNetworkPolicy,
  callersOf,
  defaultDeny,
  defaultDenyName,
  googleFrontEndRanges,
  nodeLocalDns,
} from "../../../workloads/network-policy";

const id = { app: "demo", environment: "staging" };
const sel = (app: string) => ({ "app.kubernetes.io/name": app, "app.kubernetes.io/instance": `staging-${app}` });
const labels = { ...sel("demo"), "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "rollout" };
const ns = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const own = { podSelector: { matchLabels: sel("demo") } };
const dns = {
  to: [
    { namespaceSelector: ns("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
    { ipBlock: { cidr: "169.254.20.10/32" } },
  ],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};
const httpPort = [{ protocol: "TCP", port: "http" }];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
// Egress to another app needs that app in the stack: it is set on a parsed app.
const egressing = (name: string, egress: { app?: string; cidr?: string; ports: number[] }[]) => ({ ...appOf({ name }), egress });

describe("workloads/network-policy", () => {
  it("the constants", () => {
    assert.deepEqual(googleFrontEndRanges, ["35.191.0.0/16", "130.211.0.0/22"]);
    assert.equal(nodeLocalDns, "169.254.20.10/32");
    assert.equal(defaultDenyName, "default-deny");
  });

  it("default deny: every pod, both directions", () => {
    assert.deepEqual(defaultDeny(id), {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny", namespace: "staging-demo", labels },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
  });

  it("no Gateway, callers or gates: own pods in, own pods and DNS out", () => {
    assert.deepEqual(appNetworkPolicy({ app: appOf(), id, gke: true, callers: [] }), {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "demo", namespace: "staging-demo", labels },
      spec: {
        podSelector: { matchLabels: sel("demo") },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [own] }],
        egress: [{ to: [own] }, dns],
      },
    });
  });

  it("the Gateway's namespace on the http port; on GKE also Google's front ends", () => {
    const local: Any = appNetworkPolicy({ app: appOf(), id, gatewayNamespace: "edge", gke: false, callers: [] });
    assert.deepEqual(local.spec.ingress, [{ from: [own] }, { from: [{ namespaceSelector: ns("edge") }], ports: httpPort }]);
    const gke: Any = appNetworkPolicy({ app: appOf(), id, gatewayNamespace: "edge", gke: true, callers: [] });
    assert.deepEqual(gke.spec.ingress, [
      { from: [own] },
      {
        from: [{ namespaceSelector: ns("edge") }, { ipBlock: { cidr: "35.191.0.0/16" } }, { ipBlock: { cidr: "130.211.0.0/22" } }],
        ports: httpPort,
      },
    ]);
  });

  it("callers, sorted, each by its namespace and pods", () => {
    const p: Any = appNetworkPolicy({ app: appOf(), id, gke: false, callers: ["web", "api"] });
    assert.deepEqual(p.spec.ingress, [
      { from: [own] },
      {
        from: [
          { namespaceSelector: ns("staging-api"), podSelector: { matchLabels: sel("api") } },
          { namespaceSelector: ns("staging-web"), podSelector: { matchLabels: sel("web") } },
        ],
        ports: httpPort,
      },
    ]);
  });

  it("gates on GKE: konnectivity-agent may reach the pods; not without gates or off GKE", () => {
    const gated = appOf({ strategy: { type: "blueGreen", gates: { smoke: {} } } });
    const p: Any = appNetworkPolicy({ app: gated, id, gke: true, callers: [] });
    assert.deepEqual(p.spec.ingress, [
      { from: [own] },
      {
        from: [{ namespaceSelector: ns("kube-system"), podSelector: { matchLabels: { "k8s-app": "konnectivity-agent" } } }],
        ports: httpPort,
      },
    ]);
    assert.deepEqual((appNetworkPolicy({ app: gated, id, gke: false, callers: [] }) as Any).spec.ingress, [{ from: [own] }]);
    const ungated = appOf({ strategy: { type: "blueGreen" } });
    assert.deepEqual((appNetworkPolicy({ app: ungated, id, gke: true, callers: [] }) as Any).spec.ingress, [{ from: [own] }]);
    const gatesUnset = { ...ungated, strategy: { ...ungated.strategy!, gates: undefined } };
    assert.deepEqual((appNetworkPolicy({ app: gatesUnset, id, gke: true, callers: [] }) as Any).spec.ingress, [{ from: [own] }]);
    const rolling = appOf({ strategy: { type: "rolling" } });
    assert.deepEqual((appNetworkPolicy({ app: rolling, id, gke: true, callers: [] }) as Any).spec.ingress, [{ from: [own] }]);
    const none = appOf({ kind: "StatefulSet" });
    assert.deepEqual((appNetworkPolicy({ app: none, id, gke: true, callers: [] }) as Any).spec.ingress, [{ from: [own] }]);
  });

  it("declared egress: another app by namespace and pods, or a CIDR, each port TCP", () => {
    const app = egressing("demo", [
      { app: "db", ports: [5432] },
      { cidr: "10.0.0.0/8", ports: [443, 8443] },
    ]);
    const p: Any = appNetworkPolicy({ app, id, gke: false, callers: [] });
    assert.deepEqual(p.spec.egress, [
      { to: [own] },
      dns,
      { to: [{ namespaceSelector: ns("staging-db"), podSelector: { matchLabels: sel("db") } }], ports: [{ protocol: "TCP", port: 5432 }] },
      {
        to: [{ ipBlock: { cidr: "10.0.0.0/8" } }],
        ports: [
          { protocol: "TCP", port: 443 },
          { protocol: "TCP", port: 8443 },
        ],
      },
    ]);
  });

  it("callersOf: apps other than the target that declared egress to it", () => {
    const apps = [
      egressing("web", [{ app: "demo", ports: [80] }]),
      egressing("demo", [{ app: "demo", ports: [80] }]),
      egressing("cron", [{ app: "db", ports: [5432] }]),
      egressing("api", [
        { cidr: "10.0.0.0/8", ports: [443] },
        { app: "demo", ports: [8080] },
      ]),
    ];
    assert.deepEqual(callersOf("demo", apps), ["web", "api"]);
    assert.deepEqual(callersOf("db", apps), ["cron"]);
    assert.deepEqual(callersOf("nobody", apps), []);
  });
});
