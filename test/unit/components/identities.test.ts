// The namespaces, ServiceAccounts and the CD binding of a stack, by exact value: who may act where
// is security-relevant, so nothing here is checked by a partial match.
import { strict as assert } from "assert";
import { ofType, one, renderCommitted, T } from "../../support/stacks";

const cdLabels = { "app.kubernetes.io/component": "cd", "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "rollout" };
const appLabels = {
  "app.kubernetes.io/instance": "staging-demo",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/name": "demo",
  "app.kubernetes.io/part-of": "rollout",
};
const restricted = { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" };

describe("identities: staging", () => {
  it("the app's namespace enforces the restricted Pod Security Standard; its ServiceAccount mounts no token and maps to the app's Google account", async () => {
    const r = await renderCommitted("staging");
    assert.deepEqual(one(r, T.namespace, "demo-namespace").props, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "staging-demo", labels: { ...appLabels, ...restricted } },
    });
    assert.deepEqual(one(r, T.serviceAccount, "demo-serviceaccount").props, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      automountServiceAccountToken: false,
      metadata: {
        name: "demo",
        namespace: "staging-demo",
        labels: appLabels,
        annotations: { "iam.gke.io/gcp-service-account": "staging-demo@acme-rollout-staging.iam.gserviceaccount.com" },
      },
    });
  });

  it("the gateway namespace is restricted too", async () => {
    const r = await renderCommitted("staging");
    assert.deepEqual(one(r, T.namespace, "staging-gateway-namespace").props.metadata, {
      name: "gateway",
      labels: {
        "app.kubernetes.io/component": "gateway",
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "rollout",
        ...restricted,
      },
    });
  });

  it("CD: its own namespace and agent, and in the app's namespace only a Role bound to the agent and the CI account", async () => {
    const r = await renderCommitted("staging");
    assert.deepEqual(
      ofType(r, T.serviceAccount)
        .map((x) => `${x.props.metadata.namespace}/${x.props.metadata.name}`)
        .sort(),
      ["cd/cd-agent", "staging-demo/demo"],
    );
    assert.deepEqual(one(r, T.namespace, "staging-cd-ns").props, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "cd", labels: cdLabels },
    });
    assert.deepEqual(one(r, T.serviceAccount, "staging-cd-sa").props, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      automountServiceAccountToken: false,
      metadata: { name: "cd-agent", namespace: "cd", labels: cdLabels },
    });
    assert.deepEqual(one(r, T.role).props.metadata, { name: "cd-deployer", namespace: "staging-demo", labels: cdLabels });
    assert.deepEqual(one(r, T.roleBinding).props, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "cd-deployer", namespace: "staging-demo", labels: cdLabels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cd-deployer" },
      subjects: [
        { kind: "ServiceAccount", name: "cd-agent", namespace: "cd" },
        { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "staging-cd-ci@acme-rollout-staging.iam.gserviceaccount.com" },
      ],
    });
  });

  it("local: the binding names the agent only (no Google account), and the app's ServiceAccount carries no annotation", async () => {
    const r = await renderCommitted("local");
    assert.deepEqual(one(r, T.roleBinding).props.subjects, [{ kind: "ServiceAccount", name: "cd-agent", namespace: "cd" }]);
    assert.equal(one(r, T.serviceAccount, "demo-serviceaccount").props.metadata.annotations, undefined);
  });
});
