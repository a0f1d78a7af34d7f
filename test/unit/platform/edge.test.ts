// Gateway, routes, NetworkPolicies, app identities, secrets, ephemeral storage and cluster options,
// under Pulumi mocks (GCP is never reached) and against the Kubernetes / Gateway API schemas.
import { strict as assert } from "assert";
import { appAccountId } from "../../../components/app-identity";
import { parseStackConfig } from "../../../config/load";
import { evaluate } from "../../../policy/lib/evaluate";
import { runOffline } from "../../../tools/offline";
import { validateObject } from "../../support/schema";
import { committedConfig, digestA, localBase, ofType, one, projectDir, renderCommitted, runApps, sha, T } from "../../support/stacks";

const G = {
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  spc: "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
  address: "gcp:compute/globalAddress:GlobalAddress",
  cert: "gcp:certificatemanager/certificate:Certificate",
  certMap: "gcp:certificatemanager/certificateMap:CertificateMap",
  certMapEntry: "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
  saIam: "gcp:serviceaccount/iAMMember:IAMMember",
  secretIam: "gcp:secretmanager/secretIamMember:SecretIamMember",
};
const traffic = { "rollout:traffic": { gateway: { hostnames: ["demo.example.com"] } } };
const problems = (raw: Record<string, unknown>, stack = "local") => {
  try {
    parseStackConfig(raw, stack);
  } catch (e) {
    return (e as { problems: string[] }).problems;
  }
  return [];
};
const stagingWith = (apps: unknown[], extra: Record<string, unknown> = {}) =>
  runOffline({ ...committedConfig("staging"), "rollout:apps": apps, ...extra }, "staging", { projectDir, gitSha: sha });

describe("traffic: the environment Gateway", () => {
  it("local: the same Gateway objects as GKE, a placeholder class, a TLS Secret reference, HTTP only for the redirect", async () => {
    const r = await renderCommitted("local");
    const gw = one(r, G.gateway).props;
    assert.deepEqual(gw.spec, {
      gatewayClassName: "rollout-local",
      listeners: [
        {
          name: "https",
          protocol: "HTTPS",
          port: 443,
          tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "gateway-tls" }] },
          allowedRoutes: {
            kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
            namespaces: {
              from: "Selector",
              selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["local-demo"] }] },
            },
          },
        },
        {
          name: "http",
          protocol: "HTTP",
          port: 80,
          allowedRoutes: { kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }], namespaces: { from: "Same" } },
        },
      ],
    });
    assert.equal(gw.metadata.annotations, undefined);
    const routes = ofType(r, G.route);
    assert.deepEqual(routes.map((x) => `${x.props.metadata.namespace}/${x.props.metadata.name}`).sort(), [
      "gateway/gateway-https-redirect",
      "local-demo/demo",
    ]);
    assert.deepEqual(one(r, G.route, "gateway-https-redirect").props.spec, {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway", namespace: "gateway", sectionName: "http" }],
      hostnames: ["demo.local.rollout.test"],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    });
    assert.deepEqual(one(r, G.route, "demo").props.spec, {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway", namespace: "gateway", sectionName: "https" }],
      hostnames: ["demo.local.rollout.test"],
      rules: [
        { matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ group: "", kind: "Service", name: "demo", port: 80 }] },
      ],
    });
    for (const x of [...ofType(r, G.gateway), ...routes]) await validateObject(x.props);
    assert.deepEqual(r.cloudResources, []);
  });

  it("GKE: the managed class, a named global address and a Google-managed certificate through a certificate map", async () => {
    const r = await renderCommitted("staging");
    const gw = one(r, G.gateway).props;
    assert.equal(gw.spec.gatewayClassName, "gke-l7-global-external-managed");
    assert.deepEqual(gw.metadata.annotations, { "networking.gke.io/certmap": "staging-gateway-certmap" });
    assert.deepEqual(gw.spec.addresses, [{ type: "NamedAddress", value: "staging-gateway-address" }]);
    assert.equal(gw.spec.listeners[0].tls, undefined, "GKE takes the certificate from the map");
    assert.deepEqual(one(r, G.address).props, {
      project: "acme-rollout-staging",
      name: "staging-gateway-address",
      addressType: "EXTERNAL",
      ipVersion: "IPV4",
    });
    const cert = one(r, G.cert).props;
    assert.deepEqual(
      [cert.name, cert.scope, cert.managed],
      ["staging-gateway-cert", "DEFAULT", { domains: ["demo.staging.acme.example"] }],
    );
    assert.equal(one(r, G.certMap).props.name, "staging-gateway-certmap");
    const entry = one(r, G.certMapEntry).props;
    assert.deepEqual(
      [entry.map, entry.hostname, entry.certificates],
      ["staging-gateway-certmap", "demo.staging.acme.example", ["staging-gateway-cert-id"]],
    );
    const gwRes = one(r, G.gateway);
    assert.ok(
      gwRes.dependsOn.includes("staging-gateway-certmap-0") && gwRes.dependsOn.includes("staging-gateway-address"),
      gwRes.dependsOn.join(","),
    );
  });

  it("production protects the address, certificate, map and gateway namespace", async () => {
    const r = await renderCommitted("production");
    for (const t of [G.address, G.cert, G.certMap]) assert.equal(one(r, t).protect, true, t);
    assert.equal(one(r, T.namespace, "gateway").protect, true);
  });

  it("a weighted canary without its own gateway uses the stack's, and gets no second live route", async () => {
    const canary = {
      name: "demo",
      replicas: 4,
      strategy: {
        type: "canary",
        traffic: "gateway",
        stable: { image: `registry.example/team/okeydokey@${digestA}` },
        weight: 20,
        steps: [20, 50],
      },
    };
    const r = await runApps([canary], "local", traffic);
    const routes = ofType(r, G.route).filter((x) => x.props.metadata.namespace === "local-demo");
    assert.equal(routes.length, 1);
    assert.deepEqual(routes[0].props.spec.parentRefs, [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway", namespace: "gateway" },
    ]);
    assert.deepEqual(routes[0].props.spec.hostnames, ["demo.example.com"]);
    assert.deepEqual(
      routes[0].props.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]),
      [
        ["demo", 80],
        ["demo-canary", 20],
      ],
    );
  });

  it("an app with route: false gets no route and is not admitted by the listener", async () => {
    const r = await runApps([{ name: "demo" }, { name: "worker", route: false }], "local", traffic);
    assert.deepEqual(
      ofType(r, G.route)
        .map((x) => x.props.metadata.name)
        .sort(),
      ["demo", "gateway-https-redirect"],
    );
    assert.deepEqual(one(r, G.gateway).props.spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].values, [
      "local-demo",
    ]);
  });
});

describe("network: NetworkPolicies", () => {
  it("every app namespace of every committed stack has a default-deny and an allow policy", async () => {
    for (const stack of ["local", "staging", "production"]) {
      const r = await renderCommitted(stack);
      const byNs = (name: string) =>
        ofType(r, G.netpol)
          .filter((x) => x.props.metadata.name === name)
          .map((x) => x.props.metadata.namespace)
          .sort();
      assert.deepEqual(byNs("default-deny"), [...(r.values.namespaces as string[])].sort(), stack);
      assert.deepEqual(byNs("demo"), [...(r.values.namespaces as string[])].sort(), stack);
      for (const np of ofType(r, G.netpol)) await validateObject(np.props);
    }
  });

  it("local: deny all, then own pods, the Gateway's namespace on the http port, and DNS out", async () => {
    const r = await renderCommitted("local");
    assert.deepEqual(one(r, G.netpol, "default-deny").props.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const own = { podSelector: { matchLabels: { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "local-demo" } } };
    assert.deepEqual(one(r, G.netpol, "demo").props.spec, {
      podSelector: own.podSelector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { from: [own] },
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } }],
          ports: [{ protocol: "TCP", port: "http" }],
        },
      ],
      egress: [
        { to: [own] },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
            { ipBlock: { cidr: "169.254.20.10/32" } },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    });
  });

  it("GKE: admits Google's front ends; gated apps also admit the konnectivity tunnel of the API server proxy", async () => {
    const staging = await renderCommitted("staging");
    assert.deepEqual(one(staging, G.netpol, "demo").props.spec.ingress[1].from, [
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } },
      { ipBlock: { cidr: "35.191.0.0/16" } },
      { ipBlock: { cidr: "130.211.0.0/22" } },
    ]);
    const production = await renderCommitted("production");
    assert.deepEqual(one(production, G.netpol, "demo").props.spec.ingress[1].from.at(-1), {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "konnectivity-agent" } },
    });
  });

  it("declared egress: the caller may connect out, the callee lets exactly that caller in", async () => {
    const r = await runApps(
      [
        {
          name: "web",
          egress: [
            { app: "api", ports: [8080] },
            { cidr: "10.20.0.0/16", ports: [5432] },
          ],
        },
        { name: "api" },
      ],
      "local",
      traffic,
    );
    const web = ofType(r, G.netpol).find((x) => x.props.metadata.namespace === "local-web" && x.props.metadata.name === "web")!.props.spec;
    assert.deepEqual(web.egress.slice(2), [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "local-api" } },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "local-api" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
      { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }] },
    ]);
    const api = ofType(r, G.netpol).find((x) => x.props.metadata.namespace === "local-api" && x.props.metadata.name === "api")!.props.spec;
    assert.deepEqual(api.ingress[1].from.slice(1), [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "local-web" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "local-web" } },
      },
    ]);
    const webIngress = ofType(r, G.netpol).find((x) => x.props.metadata.name === "web")!.props.spec.ingress[1].from;
    assert.equal(webIngress.length, 1, "nobody declared egress to web");
  });

  it("the policy pack reports a namespace whose NetworkPolicies are removed", async () => {
    const r = await renderCommitted("staging");
    const stripped = r.resources
      .filter((x) => x.type !== G.netpol && (x.type.startsWith("kubernetes:") || x.type.startsWith("gcp:")))
      .map((x) => ({ type: x.type, name: x.name, props: x.props, opts: { protect: x.protect } }));
    const found = evaluate(stripped, { environment: "staging", allowedRegistries: [] }).filter(
      (v) => v.policy === "namespace-network-policy",
    );
    assert.deepEqual(
      found.map((v) => [v.enforcementLevel, v.resource]),
      [["mandatory", "demo-deployment"]],
    );
  });
});

describe("identity and secrets (GKE)", () => {
  it("each app gets its own Google service account, impersonable only by its own ServiceAccount", async () => {
    const r = await stagingWith([{ name: "demo" }, { name: "api" }]);
    const gsas = ofType(r, T.gsa)
      .map((x) => x.props.accountId)
      .filter((id) => id.startsWith("staging-") && !id.includes("cluster") && !id.includes("cd"));
    assert.deepEqual(gsas.sort(), ["staging-api", "staging-demo"]);
    assert.deepEqual(
      ofType(r, G.saIam)
        .map((x) => [x.props.serviceAccountId, x.props.role, x.props.member])
        .sort(),
      [
        [
          "projects/acme-rollout-staging/serviceAccounts/staging-api@acme-rollout-staging.iam.gserviceaccount.com",
          "roles/iam.workloadIdentityUser",
          "serviceAccount:acme-rollout-staging.svc.id.goog[staging-api/api]",
        ],
        [
          "projects/acme-rollout-staging/serviceAccounts/staging-demo@acme-rollout-staging.iam.gserviceaccount.com",
          "roles/iam.workloadIdentityUser",
          "serviceAccount:acme-rollout-staging.svc.id.goog[staging-demo/demo]",
        ],
      ],
    );
    const ksa = ofType(r, T.serviceAccount).find((x) => x.props.metadata.namespace === "staging-demo")!;
    assert.deepEqual(ksa.props.metadata.annotations, {
      "iam.gke.io/gcp-service-account": "staging-demo@acme-rollout-staging.iam.gserviceaccount.com",
    });
  });

  it("local apps get no Google identity and no annotation", async () => {
    const r = await renderCommitted("local");
    assert.equal(one(r, T.serviceAccount, "demo").props.metadata.annotations, undefined);
  });

  it("keeps account IDs within 30 characters, distinct for long names that share a prefix", () => {
    assert.equal(appAccountId({ app: "demo", environment: "production" }), "production-demo");
    const a = appAccountId({ app: "payments-reconciliation-a", environment: "production" });
    const b = appAccountId({ app: "payments-reconciliation-b", environment: "production" });
    assert.equal(a.length, 30);
    assert.match(a, /^production-payments-rec-[0-9a-f]{6}$/);
    assert.notEqual(a, b);
  });

  it("secrets: accessor on each named secret for the app's account only, a SecretProviderClass before the pods, a read-only CSI mount", async () => {
    const r = await stagingWith([{ name: "demo", secrets: [{ name: "db-password" }, { name: "api-key", version: "3", file: "api.key" }] }]);
    assert.deepEqual(
      ofType(r, G.secretIam).map((x) => [x.props.project, x.props.secretId, x.props.role, x.props.member]),
      [
        [
          "acme-rollout-staging",
          "db-password",
          "roles/secretmanager.secretAccessor",
          "serviceAccount:staging-demo@acme-rollout-staging.iam.gserviceaccount.com",
        ],
        [
          "acme-rollout-staging",
          "api-key",
          "roles/secretmanager.secretAccessor",
          "serviceAccount:staging-demo@acme-rollout-staging.iam.gserviceaccount.com",
        ],
      ],
    );
    const spc = one(r, G.spc);
    assert.deepEqual(spc.props.metadata.name, "demo-secrets");
    assert.deepEqual(spc.props.spec.provider, "gke");
    assert.deepEqual(JSON.parse(spc.props.spec.parameters.secrets), [
      { resourceName: "projects/acme-rollout-staging/secrets/db-password/versions/latest", path: "db-password" },
      { resourceName: "projects/acme-rollout-staging/secrets/api-key/versions/3", path: "api.key" },
    ]);
    const d = one(r, T.deployment, "demo");
    assert.ok(d.dependsOn.includes("demo-secrets-secretproviderclass"), d.dependsOn.join(","));
    const pod = d.props.spec.template.spec;
    assert.deepEqual(
      pod.volumes.find((v: { name: string }) => v.name === "secrets"),
      {
        name: "secrets",
        csi: { driver: "secrets-store-gke.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "demo-secrets" } },
      },
    );
    assert.deepEqual(pod.containers[0].volumeMounts.at(-1), { name: "secrets", mountPath: "/var/run/secrets/app", readOnly: true });
    assert.equal(JSON.stringify(r.resources).includes("hunter2"), false);
  });

  it("the cluster has the Secret Manager add-on; production has its maintenance window", async () => {
    assert.deepEqual(one(await renderCommitted("staging"), T.cluster).props.secretManagerConfig, { enabled: true });
    const c = one(await renderCommitted("production"), T.cluster).props;
    assert.deepEqual(c.maintenancePolicy, {
      recurringWindow: { startTime: "2026-01-03T02:00:00Z", endTime: "2026-01-03T06:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
    });
    assert.equal(c.privateClusterConfig, undefined);
  });

  it("private nodes and authorized networks when asked for", async () => {
    const cluster = {
      ...(committedConfig("staging")["rollout:cluster"] as object),
      privateNodes: true,
      authorizedNetworks: [{ cidr: "203.0.113.0/24", name: "office" }],
    };
    const r = await stagingWith([{ name: "demo" }], { "rollout:cluster": cluster });
    const c = one(r, T.cluster).props;
    assert.deepEqual(c.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: false });
    assert.deepEqual(c.masterAuthorizedNetworksConfig, { cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }] });
  });
});

describe("resources: ephemeral storage", () => {
  it("renders the configured requests and limits under Kubernetes' key", async () => {
    const r = await runApps([
      {
        name: "demo",
        resources: {
          requests: { cpu: "50m", memory: "64Mi", ephemeralStorage: "1Gi" },
          limits: { memory: "128Mi", ephemeralStorage: "2Gi" },
        },
      },
    ]);
    assert.deepEqual(one(r, T.deployment, "demo").props.spec.template.spec.containers[0].resources, {
      requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "1Gi" },
      limits: { memory: "128Mi", "ephemeral-storage": "2Gi" },
    });
  });
});

describe("config: traffic, secrets, cluster options and the moved GitHub trust", () => {
  const local = (apps: unknown[], extra: Record<string, unknown> = {}) => ({ ...localBase, "rollout:apps": apps, ...extra });

  it("names the key, the value and the expectation for each problem", () => {
    assert.deepEqual(
      problems(
        local(
          [
            {
              name: "demo",
              route: { hostnames: ["*.example.com"] },
              env: { DB_PASSWORD: "hunter2" },
              config: { KEY: "-----BEGIN RSA PRIVATE KEY-----" },
              secrets: [{ name: "db" }],
              egress: [
                { app: "nope", ports: [80] },
                { app: "demo", cidr: "10.0.0.0/8", ports: [80] },
              ],
            },
          ],
          traffic,
        ),
      ),
      [
        "rollout:apps[0].route.hostnames[0]: expected a fully qualified host name such as 'demo.example.com' (no wildcard: a Google-managed certificate needs exact names), got \"*.example.com\"",
        'rollout:apps[0].egress[0].app: expected the name of an app of this stack (demo), got "nope"',
        'rollout:apps[0].egress[1]: expected exactly one of app or cidr, got {"app":"demo","cidr":"10.0.0.0/8","ports":[80]}',
        "rollout:apps[0].env.DB_PASSWORD: expected no secret value in env (the key name 'DB_PASSWORD' says it holds a credential); declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config, got \"(value hidden)\"",
        'rollout:apps[0].config.KEY: expected no secret value in config (the value looks like a PEM private key); declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config, got "(value hidden)"',
        "rollout:apps[0].secrets: expected no secrets unless cluster.provider is 'gke' (they are mounted by GKE's Secret Manager add-on), got [\"db\"]",
      ],
    );
  });

  it("requires a gateway for weighted/header strategies only when the stack has none, and a Gateway for routes", () => {
    const ab = {
      name: "demo",
      strategy: {
        type: "abTest",
        a: { image: `registry.example/team/okeydokey@${digestA}` },
        b: {},
        match: { header: { name: "X-Variant", value: "b" } },
      },
    };
    assert.deepEqual(problems(local([ab])), [
      "rollout:apps[0].strategy.gateway: expected a gateway {name, namespace}, or rollout:traffic.gateway for the stack's own Gateway, for strategy abTest, got nothing (the key is missing)",
    ]);
    assert.deepEqual(problems(local([ab], traffic)), []);
    assert.deepEqual(problems(local([{ name: "demo", route: {} }])), [
      'rollout:apps[0].route: expected no route without rollout:traffic.gateway (there is no Gateway to attach it to), got {"hostnames":[],"pathPrefix":"/"}',
    ]);
    assert.deepEqual(problems(local([{ name: "demo" }], { "rollout:traffic": { gateway: { hostnames: [] } } })), [
      "rollout:traffic.gateway.hostnames: expected at least one host name (the certificate is issued for these), got []",
    ]);
  });

  it("rejects rollout:cd.githubRepository with a pointer to the bootstrap project", () => {
    assert.deepEqual(problems(local([{ name: "demo" }], { "rollout:cd": { githubRepository: "acme/rollout" } })), [
      'rollout:cd.githubRepository: expected no githubRepository: the GitHub OIDC pool and provider are created once by the bootstrap project (bootstrap/, bootstrap:githubRepository), got "acme/rollout"',
    ]);
  });

  it("checks cluster options", () => {
    const cluster = {
      ...(committedConfig("staging")["rollout:cluster"] as object),
      authorizedNetworks: [{ cidr: "10.0.0.0", name: "x" }],
      maintenanceWindow: { startTime: "02:00", endTime: "2026-01-03T06:00:00Z", recurrence: "weekly" },
    };
    assert.deepEqual(problems({ ...committedConfig("staging"), "rollout:cluster": cluster }, "staging"), [
      "rollout:cluster.authorizedNetworks[0].cidr: expected an IPv4 CIDR such as '203.0.113.0/24', got \"10.0.0.0\"",
      "rollout:cluster.maintenanceWindow.startTime: expected an RFC 3339 UTC time such as '2026-01-03T02:00:00Z', got \"02:00\"",
      "rollout:cluster.maintenanceWindow.recurrence: expected an RRULE such as 'FREQ=WEEKLY;BYDAY=SA,SU', got \"weekly\"",
    ]);
  });
});
