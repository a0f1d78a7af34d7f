// The resource graph the engine receives for each committed stack, row by row: type, logical name,
// parent component, and the options that decide what `pulumi up` does (provider, dependsOn,
// aliases, protect). A logical name or parent that changes makes the engine replace the resource;
// a lost dependsOn lets traffic switch before its gate; a lost alias replaces an old stack's RBAC.
// The table is written out, not computed: a change to it is a change the reviewer must accept.
import { strict as assert } from "assert";
import type { RecordedResource } from "../../../tools/offline";
import { renderCommitted } from "../../support/stacks";

type Row = [string, string, string | null, Record<string, unknown>?];

function graph(resources: RecordedResource[]): Row[] {
  return resources
    .filter((x) => x.type !== "pulumi:pulumi:Stack")
    .map((x) => {
      const o: Record<string, unknown> = {};
      if (x.provider) o.provider = x.provider;
      if (x.dependsOn.length) o.dependsOn = x.dependsOn;
      if (x.aliases.length) o.aliases = x.aliases;
      if (x.protect) o.protect = true;
      if (x.ignoreChanges.length) o.ignoreChanges = x.ignoreChanges;
      if (x.deleteBeforeReplace) o.deleteBeforeReplace = true;
      if (x.retainOnDelete) o.retainOnDelete = true;
      const type = x.type.replace(/^kubernetes:/, "").replace(/^pulumi-nodejs:dynamic\//, "dynamic:");
      const row: Row = [type, x.name, x.parent ?? null];
      if (Object.keys(o).length > 0) row.push(o);
      return row;
    })
    .sort((a, b) => `${a[1]} ${a[0]}`.localeCompare(`${b[1]} ${b[0]}`));
}

describe("resource graph: staging", () => {
  it("every resource with its parent, provider, dependencies, aliases and protection", async () => {
    assert.deepEqual(graph((await renderCommitted("staging")).resources), [
      ["rollout:app:App", "demo", null],
      ["dynamic:rollout-config-revisions:Resource", "demo-config-revisions", "demo", { dependsOn: ["demo-deployment", "demo-service"] }],
      [
        "core/v1:ConfigMap",
        "demo-configmap-demo-config-4b8dcbb02d",
        "demo",
        { provider: "staging-cluster-k8s", dependsOn: ["demo-namespace"], retainOnDelete: true },
      ],
      [
        "apps/v1:Deployment",
        "demo-deployment",
        "demo",
        { provider: "staging-cluster-k8s", dependsOn: ["demo-namespace", "demo-serviceaccount", "demo-configmap-demo-config-4b8dcbb02d"] },
      ],
      ["rollout:identity:AppGoogleIdentity", "demo-identity", null],
      ["gcp:serviceaccount/account:Account", "demo-identity-gsa", "demo-identity"],
      ["gcp:serviceaccount/iAMMember:IAMMember", "demo-identity-gsa-workload-identity", "demo-identity"],
      ["core/v1:Namespace", "demo-namespace", "demo", { provider: "staging-cluster-k8s" }],
      ["rollout:network:AppNetworkPolicy", "demo-network", null],
      ["networking.k8s.io/v1:NetworkPolicy", "demo-network-allow", "demo-network", { provider: "staging-cluster-k8s" }],
      ["networking.k8s.io/v1:NetworkPolicy", "demo-network-default-deny", "demo-network", { provider: "staging-cluster-k8s" }],
      ["policy/v1:PodDisruptionBudget", "demo-pdb", "demo", { provider: "staging-cluster-k8s", dependsOn: ["demo-namespace"] }],
      ["rollout:traffic:AppRoute", "demo-route", null],
      [
        "gateway.networking.k8s.io/v1:HTTPRoute",
        "demo-route-httproute",
        "demo-route",
        { provider: "staging-cluster-k8s", dependsOn: ["staging-gateway"] },
      ],
      ["core/v1:Service", "demo-service", "demo", { provider: "staging-cluster-k8s", dependsOn: ["demo-namespace"] }],
      ["core/v1:ServiceAccount", "demo-serviceaccount", "demo", { provider: "staging-cluster-k8s", dependsOn: ["demo-namespace"] }],
      ["pulumi:pulumi:StackReference", "release-history", null],
      ["rollout:cd:CdAccess", "staging-cd", null],
      [
        "rbac.authorization.k8s.io/v1:RoleBinding",
        "staging-cd-binding-demo",
        "staging-cd",
        { provider: "staging-cluster-k8s", aliases: ["staging-cd-binding-0"] },
      ],
      ["gcp:serviceaccount/account:Account", "staging-cd-ci", "staging-cd"],
      ["gcp:projects/iAMMember:IAMMember", "staging-cd-ci-cluster-viewer", "staging-cd"],
      ["gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "staging-cd-ci-writer", "staging-cd"],
      ["core/v1:Namespace", "staging-cd-ns", "staging-cd", { provider: "staging-cluster-k8s" }],
      [
        "rbac.authorization.k8s.io/v1:Role",
        "staging-cd-role-demo",
        "staging-cd",
        { provider: "staging-cluster-k8s", aliases: ["staging-cd-role-0"] },
      ],
      ["core/v1:ServiceAccount", "staging-cd-sa", "staging-cd", { provider: "staging-cluster-k8s" }],
      [
        "gcp:container/cluster:Cluster",
        "staging-cluster",
        "staging-cluster",
        {
          dependsOn: [
            "staging-cluster-nodes-logging-logWriter",
            "staging-cluster-nodes-monitoring-metricWriter",
            "staging-cluster-nodes-monitoring-viewer",
            "staging-cluster-nodes-stackdriver-resourceMetadata-writer",
          ],
        },
      ],
      ["rollout:gcp:GkeCluster", "staging-cluster", null],
      ["pulumi:providers:kubernetes", "staging-cluster-k8s", "staging-cluster"],
      ["gcp:serviceaccount/account:Account", "staging-cluster-nodes", "staging-cluster"],
      ["gcp:projects/iAMMember:IAMMember", "staging-cluster-nodes-logging-logWriter", "staging-cluster"],
      ["gcp:projects/iAMMember:IAMMember", "staging-cluster-nodes-monitoring-metricWriter", "staging-cluster"],
      ["gcp:projects/iAMMember:IAMMember", "staging-cluster-nodes-monitoring-viewer", "staging-cluster"],
      ["gcp:projects/iAMMember:IAMMember", "staging-cluster-nodes-stackdriver-resourceMetadata-writer", "staging-cluster"],
      ["rollout:traffic:EnvironmentGateway", "staging-gateway", null],
      ["gcp:compute/globalAddress:GlobalAddress", "staging-gateway-address", "staging-gateway"],
      ["gcp:certificatemanager/certificate:Certificate", "staging-gateway-cert", "staging-gateway"],
      ["gcp:certificatemanager/certificateMap:CertificateMap", "staging-gateway-certmap", "staging-gateway"],
      ["gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", "staging-gateway-certmap-0", "staging-gateway"],
      [
        "gateway.networking.k8s.io/v1:Gateway",
        "staging-gateway-gateway",
        "staging-gateway",
        {
          provider: "staging-cluster-k8s",
          dependsOn: ["staging-gateway-namespace", "staging-gateway-address", "staging-gateway-certmap-0"],
        },
      ],
      [
        "gateway.networking.k8s.io/v1:HTTPRoute",
        "staging-gateway-https-redirect",
        "staging-gateway",
        { provider: "staging-cluster-k8s", dependsOn: ["staging-gateway-namespace", "staging-gateway-gateway"] },
      ],
      ["core/v1:Namespace", "staging-gateway-namespace", "staging-gateway", { provider: "staging-cluster-k8s" }],
      ["docker:index/image:Image", "staging-image", "staging-image"],
      ["rollout:image:AppImage", "staging-image", null],
      ["gcp:artifactregistry/repository:Repository", "staging-registry", "staging-registry"],
      ["rollout:gcp:ImageRegistry", "staging-registry", null],
      ["gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "staging-registry-reader-0", "staging-registry"],
    ]);
  });
});

describe("resource graph: production", () => {
  it("every resource with its parent, provider, dependencies, aliases and protection", async () => {
    assert.deepEqual(graph((await renderCommitted("production")).resources), [
      ["rollout:app:App", "demo", null],
      [
        "apps/v1:Deployment",
        "demo-blue-deployment",
        "demo",
        {
          provider: "production-cluster-k8s",
          dependsOn: ["demo-namespace", "demo-serviceaccount", "demo-configmap-demo-config-4b8dcbb02d"],
        },
      ],
      ["dynamic:rollout-gate:Resource", "demo-blue-gate", "demo", { dependsOn: ["demo-preview-service"] }],
      [
        "dynamic:rollout-config-revisions:Resource",
        "demo-config-revisions",
        "demo",
        { dependsOn: ["demo-blue-deployment", "demo-green-deployment", "demo-preview-service", "demo-blue-gate", "demo-service"] },
      ],
      [
        "core/v1:ConfigMap",
        "demo-configmap-demo-config-4b8dcbb02d",
        "demo",
        { provider: "production-cluster-k8s", dependsOn: ["demo-namespace"], retainOnDelete: true },
      ],
      [
        "apps/v1:Deployment",
        "demo-green-deployment",
        "demo",
        {
          provider: "production-cluster-k8s",
          dependsOn: ["demo-namespace", "demo-serviceaccount", "demo-configmap-demo-config-4b8dcbb02d"],
        },
      ],
      ["rollout:identity:AppGoogleIdentity", "demo-identity", null],
      ["gcp:serviceaccount/account:Account", "demo-identity-gsa", "demo-identity"],
      ["gcp:serviceaccount/iAMMember:IAMMember", "demo-identity-gsa-workload-identity", "demo-identity"],
      ["core/v1:Namespace", "demo-namespace", "demo", { provider: "production-cluster-k8s", protect: true }],
      ["rollout:network:AppNetworkPolicy", "demo-network", null],
      ["networking.k8s.io/v1:NetworkPolicy", "demo-network-allow", "demo-network", { provider: "production-cluster-k8s" }],
      ["networking.k8s.io/v1:NetworkPolicy", "demo-network-default-deny", "demo-network", { provider: "production-cluster-k8s" }],
      ["policy/v1:PodDisruptionBudget", "demo-pdb", "demo", { provider: "production-cluster-k8s", dependsOn: ["demo-namespace"] }],
      [
        "core/v1:Service",
        "demo-preview-service",
        "demo",
        { provider: "production-cluster-k8s", dependsOn: ["demo-namespace", "demo-blue-deployment"] },
      ],
      ["rollout:traffic:AppRoute", "demo-route", null],
      [
        "gateway.networking.k8s.io/v1:HTTPRoute",
        "demo-route-httproute",
        "demo-route",
        { provider: "production-cluster-k8s", dependsOn: ["production-gateway"] },
      ],
      [
        "core/v1:Service",
        "demo-service",
        "demo",
        { provider: "production-cluster-k8s", dependsOn: ["demo-namespace", "demo-blue-deployment", "demo-blue-gate"] },
      ],
      ["core/v1:ServiceAccount", "demo-serviceaccount", "demo", { provider: "production-cluster-k8s", dependsOn: ["demo-namespace"] }],
      ["rollout:cd:CdAccess", "production-cd", null],
      [
        "rbac.authorization.k8s.io/v1:RoleBinding",
        "production-cd-binding-demo",
        "production-cd",
        { provider: "production-cluster-k8s", aliases: ["production-cd-binding-0"] },
      ],
      ["gcp:serviceaccount/account:Account", "production-cd-ci", "production-cd"],
      ["gcp:projects/iAMMember:IAMMember", "production-cd-ci-cluster-viewer", "production-cd"],
      ["gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "production-cd-ci-writer", "production-cd"],
      ["core/v1:Namespace", "production-cd-ns", "production-cd", { provider: "production-cluster-k8s" }],
      [
        "rbac.authorization.k8s.io/v1:Role",
        "production-cd-role-demo",
        "production-cd",
        { provider: "production-cluster-k8s", aliases: ["production-cd-role-0"] },
      ],
      ["core/v1:ServiceAccount", "production-cd-sa", "production-cd", { provider: "production-cluster-k8s" }],
      [
        "gcp:container/cluster:Cluster",
        "production-cluster",
        "production-cluster",
        {
          dependsOn: [
            "production-cluster-nodes-logging-logWriter",
            "production-cluster-nodes-monitoring-metricWriter",
            "production-cluster-nodes-monitoring-viewer",
            "production-cluster-nodes-stackdriver-resourceMetadata-writer",
          ],
          protect: true,
        },
      ],
      ["rollout:gcp:GkeCluster", "production-cluster", null],
      ["pulumi:providers:kubernetes", "production-cluster-k8s", "production-cluster"],
      ["gcp:serviceaccount/account:Account", "production-cluster-nodes", "production-cluster"],
      ["gcp:projects/iAMMember:IAMMember", "production-cluster-nodes-logging-logWriter", "production-cluster"],
      ["gcp:projects/iAMMember:IAMMember", "production-cluster-nodes-monitoring-metricWriter", "production-cluster"],
      ["gcp:projects/iAMMember:IAMMember", "production-cluster-nodes-monitoring-viewer", "production-cluster"],
      ["gcp:projects/iAMMember:IAMMember", "production-cluster-nodes-stackdriver-resourceMetadata-writer", "production-cluster"],
      ["rollout:traffic:EnvironmentGateway", "production-gateway", null],
      ["gcp:compute/globalAddress:GlobalAddress", "production-gateway-address", "production-gateway", { protect: true }],
      ["gcp:certificatemanager/certificate:Certificate", "production-gateway-cert", "production-gateway", { protect: true }],
      ["gcp:certificatemanager/certificateMap:CertificateMap", "production-gateway-certmap", "production-gateway", { protect: true }],
      ["gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", "production-gateway-certmap-0", "production-gateway"],
      [
        "gateway.networking.k8s.io/v1:Gateway",
        "production-gateway-gateway",
        "production-gateway",
        {
          provider: "production-cluster-k8s",
          dependsOn: ["production-gateway-namespace", "production-gateway-address", "production-gateway-certmap-0"],
        },
      ],
      [
        "gateway.networking.k8s.io/v1:HTTPRoute",
        "production-gateway-https-redirect",
        "production-gateway",
        { provider: "production-cluster-k8s", dependsOn: ["production-gateway-namespace", "production-gateway-gateway"] },
      ],
      ["core/v1:Namespace", "production-gateway-namespace", "production-gateway", { provider: "production-cluster-k8s", protect: true }],
      ["rollout:image:AppImage", "production-image", null],
      ["gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "production-image-promoted-reader-0", "production-image"],
      ["pulumi:pulumi:StackReference", "production-image-source", "production-image"],
      ["gcp:artifactregistry/repository:Repository", "production-registry", "production-registry", { protect: true }],
      ["rollout:gcp:ImageRegistry", "production-registry", null],
      ["gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "production-registry-reader-0", "production-registry"],
      ["pulumi:pulumi:StackReference", "production-release-source", null],
      ["pulumi:pulumi:StackReference", "release-history", null],
    ]);
  });
});
