import { strict as assert } from "assert";
import { pinnedImage, resolveGitSha } from "../../lib/image-ref";
import { cdRoleRules, forbiddenResources, forbiddenVerbs } from "../../lib/rbac";
import { runOffline } from "../../tools/offline";
import { validateObject } from "../support/schema";
import { committedConfig, digestA, ofType, one, projectDir, renderCommitted, sha, T } from "../support/stacks";

const digestRefPattern = /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+@sha256:[0-9a-f]{64}$/;

describe("stacks: every committed stack", () => {
  for (const stack of ["local", "staging", "production"]) {
    describe(stack, () => {
      it("renders only Kubernetes objects that pass the OpenAPI schema", async () => {
        const r = await renderCommitted(stack);
        assert.ok(r.manifests.length >= 8, `only ${r.manifests.length} objects`);
        // RolloutGate entries are the gates (dynamic resources), not Kubernetes objects.
        for (const m of r.manifests.filter((x) => x.kind !== "RolloutGate")) await validateObject(m.object);
      });

      it("pins every container image by digest, never a tag", async () => {
        const r = await renderCommitted(stack);
        const images = r.manifests.flatMap((m) => {
          const spec = (
            m.object as { spec?: { template?: { spec?: { containers?: { image: string }[]; initContainers?: { image: string }[] } } } }
          ).spec?.template?.spec;
          return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c) => c.image);
        });
        assert.ok(images.length > 0);
        for (const image of images) assert.match(image, digestRefPattern);
        assert.match(String(r.values.image), digestRefPattern);
      });

      it("gives every Kubernetes resource the stack's one provider and a parent component", async () => {
        const r = await renderCommitted(stack);
        const k8s = r.resources.filter((x) => x.type.startsWith("kubernetes:"));
        for (const x of k8s) assert.ok(x.parent, `${x.type} ${x.name} has no parent`);
        assert.equal(ofType(r, T.provider).length, 1);
      });

      it("grants the CD identity only namespaced, secret-free, wildcard-free rules", async () => {
        const r = await renderCommitted(stack);
        assert.equal(ofType(r, T.clusterRole).length + ofType(r, T.clusterRoleBinding).length, 0);
        const roles = ofType(r, T.role);
        assert.equal(roles.length, (r.values.namespaces as string[]).length);
        for (const role of roles) {
          assert.ok(role.props.metadata.namespace, "a Role must be namespaced");
          for (const rule of role.props.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
            for (const v of rule.verbs) assert.ok(!(forbiddenVerbs as readonly string[]).includes(v), `verb ${v}`);
            for (const res of rule.resources) assert.ok(!(forbiddenResources as readonly string[]).includes(res), `resource ${res}`);
            assert.ok(!rule.apiGroups.includes("*"));
          }
        }
        for (const b of ofType(r, T.roleBinding)) {
          assert.deepEqual(b.props.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cd-deployer" });
          assert.deepEqual(b.props.subjects[0], { kind: "ServiceAccount", name: "cd-agent", namespace: "cd" });
        }
      });
    });
  }
});

describe("stacks: local", () => {
  it("creates no GCP resource and points the provider at the kubeconfig", async () => {
    const r = await renderCommitted("local");
    assert.deepEqual(r.cloudResources, []);
    assert.equal(one(r, T.provider).props.enableServerSideApply, "true");
    assert.equal(r.values.kubeconfig, undefined);
  });

  it("deploys the prebuilt digest from config", async () => {
    const r = await renderCommitted("local");
    const cfg = committedConfig("local")["rollout:image"] as { ref: string };
    assert.equal(r.values.image, cfg.ref);
    const d = one(r, T.deployment, "demo");
    assert.equal(d.props.spec.template.spec.containers[0].image, cfg.ref);
  });
});

describe("stacks: staging", () => {
  it("creates an Autopilot cluster with Workload Identity, a release channel and no client certificates", async () => {
    const r = await renderCommitted("staging");
    const c = one(r, T.cluster).props;
    assert.equal(c.enableAutopilot, true);
    assert.deepEqual(c.releaseChannel, { channel: "REGULAR" });
    assert.deepEqual(c.workloadIdentityConfig, { workloadPool: "acme-rollout-staging.svc.id.goog" });
    assert.equal(c.masterAuth.clientCertificateConfig.issueClientCertificate, false);
    assert.equal(c.deletionProtection, false);
    assert.equal(one(r, T.cluster).protect, false);
  });

  it("exports the kubeconfig as a secret that authenticates through gke-gcloud-auth-plugin", async () => {
    const r = await renderCommitted("staging");
    assert.ok(r.secretOutputs.includes("kubeconfig"), `secret outputs: ${r.secretOutputs}`);
    const kc = JSON.parse(String(r.values.kubeconfig));
    assert.equal(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
    assert.equal(kc.users[0].user.token, undefined);
    assert.equal(kc.users[0].user["client-key-data"], undefined);
  });

  it("builds the image once, tagged with the git SHA, and deploys the pushed digest", async () => {
    const r = await renderCommitted("staging");
    const img = one(r, T.image).props;
    assert.equal(img.imageName, `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey:${sha}`);
    assert.doesNotMatch(img.imageName, /:latest$/);
    assert.deepEqual(img.build.args, { VERSION: sha.slice(0, 12), COMMIT: sha });
    assert.match(String(r.values.image), /^europe-west1-docker\.pkg\.dev\/acme-rollout-staging\/rollout\/okeydokey@sha256:[0-9a-f]{64}$/);
    assert.equal(r.values.imageCommit, sha);
    assert.equal(one(r, T.deployment, "demo").props.spec.template.spec.containers[0].image, r.values.image);
  });

  it("creates the registry with a cleanup policy, pull for the nodes and push for the CI account only", async () => {
    const r = await renderCommitted("staging");
    const repo = one(r, T.repository).props;
    assert.equal(repo.format, "DOCKER");
    assert.equal(repo.location, "europe-west1");
    assert.deepEqual(repo.cleanupPolicies[0], { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: 20 } });
    const grants = ofType(r, T.repoIam)
      .map((g) => `${g.props.role} ${g.props.member}`)
      .sort();
    assert.deepEqual(grants, [
      "roles/artifactregistry.reader serviceAccount:staging-cluster-nodes@acme-rollout-staging.iam.gserviceaccount.com",
      "roles/artifactregistry.writer serviceAccount:staging-cd-ci@acme-rollout-staging.iam.gserviceaccount.com",
    ]);
    const projectRoles = ofType(r, T.projectIam).map((g) => g.props.role);
    assert.ok(!projectRoles.some((role: string) => /owner|editor|admin|container\.developer/.test(role)), projectRoles.join(","));
    assert.ok(projectRoles.includes("roles/container.clusterViewer"));
  });

  it("maps the CI service account into the same namespaced Role and creates no identity pool (the bootstrap project does)", async () => {
    const r = await renderCommitted("staging");
    const b = one(r, T.roleBinding);
    assert.deepEqual(b.props.subjects[1], {
      kind: "User",
      name: "staging-cd-ci@acme-rollout-staging.iam.gserviceaccount.com",
      apiGroup: "rbac.authorization.k8s.io",
    });
    assert.deepEqual(
      r.resources.filter((x) => x.type.startsWith("gcp:iam/workloadIdentityPool")).map((x) => x.name),
      [],
    );
    assert.equal(r.values.workloadIdentityProvider, undefined);
  });

  it("offers a Standard cluster with an autoscaled, shielded node pool", async () => {
    const cfg = {
      ...committedConfig("staging"),
      "rollout:cluster": {
        provider: "gke",
        project: "acme-rollout-staging",
        region: "europe-west1",
        mode: "standard",
        nodePool: { minNodes: 2, maxNodes: 6 },
      },
    };
    const r = await runOffline(cfg, "staging", { projectDir, gitSha: sha });
    const c = one(r, T.cluster).props;
    assert.equal(c.enableAutopilot, undefined);
    assert.equal(c.removeDefaultNodePool, true);
    const pool = one(r, T.nodePool).props;
    assert.deepEqual(pool.autoscaling, { minNodeCount: 2, maxNodeCount: 6 });
    assert.equal(pool.nodeConfig.serviceAccount, "staging-cluster-nodes@acme-rollout-staging.iam.gserviceaccount.com");
    assert.deepEqual(pool.nodeConfig.workloadMetadataConfig, { mode: "GKE_METADATA" });
  });
});

describe("stacks: production", () => {
  it("does not build: it promotes the digest the staging stack exported", async () => {
    const staging = await renderCommitted("staging");
    const r = await renderCommitted("production");
    assert.equal(ofType(r, T.image).length, 0, "production must never build an image");
    // Staging is read for the image and for the release identity; the stack reads its own last record.
    assert.deepEqual(
      ofType(r, T.stackRef)
        .map((x) => x.props.name)
        .sort(),
      ["acme/rollout/staging", "acme/rollout/staging", "organization/rollout/production"],
    );
    assert.equal(r.values.image, staging.values.image);
    assert.equal(r.values.imageCommit, sha);
    assert.equal(one(r, T.deployment, "demo-blue").props.spec.template.spec.containers[0].image, staging.values.image);
  });

  it("first release blue/green: blue takes the promoted digest and goes live after its await and its smoke gate; green runs nothing", async () => {
    const staging = await renderCommitted("staging");
    const r = await renderCommitted("production");
    const live = one(r, T.service, "demo");
    assert.equal(live.props.spec.selector["rollout.dev/slot"], "blue");
    assert.ok(live.dependsOn.includes("demo-blue-deployment") && live.dependsOn.includes("demo-blue-gate"), live.dependsOn.join(","));
    assert.equal(one(r, T.deployment, "demo-green").props.spec.replicas, 0);
    assert.deepEqual(r.values.releases, {
      demo: { live: "blue", slots: { blue: { image: staging.values.image, key: staging.values.image } } },
    });
  });

  it("the next release needs no edit: the promoted digest goes to the slot not serving, live switches after its gate, the old slot stays warm", async () => {
    const staging = await renderCommitted("staging");
    const previous = `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey@sha256:${"9".repeat(64)}`;
    const r = await runOffline(committedConfig("production"), "production", {
      projectDir,
      gitSha: sha,
      stackReferences: { "acme/rollout/staging": { image: staging.values.image, imageCommit: sha } },
      releases: { demo: { live: "blue", slots: { blue: { image: previous, key: previous } } } },
    });
    const live = r.resources.find((x) => x.type === T.service && x.name === "demo-service")!;
    assert.equal((live.props.spec as { selector: Record<string, string> }).selector["rollout.dev/slot"], "green");
    assert.ok(live.dependsOn.includes("demo-green-deployment") && live.dependsOn.includes("demo-green-gate"), live.dependsOn.join(","));
    const image = (n: string) =>
      r.resources.find((x) => x.type === T.deployment && x.name === `${n}-deployment`)!.props.spec as {
        replicas: number;
        template: { spec: { containers: { image: string }[] } };
      };
    assert.deepEqual(
      ["demo-blue", "demo-green"].map((n) => [image(n).replicas, image(n).template.spec.containers[0].image]),
      [
        [4, previous],
        [4, staging.values.image],
      ],
    );
    assert.deepEqual(r.values.releases, {
      demo: {
        live: "green",
        slots: { blue: { image: previous, key: previous }, green: { image: staging.values.image, key: staging.values.image } },
      },
    });
  });

  it("refuses, in pulumi up, a staging digest built from another commit than the release", async () => {
    const refs = {
      "acme/rollout/staging": { image: `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey@${digestA}`, imageCommit: sha },
    };
    await assert.rejects(
      runOffline(committedConfig("production"), "production", {
        projectDir,
        stackReferences: refs,
        expectCommit: "fedcba9876543210fedcba9876543210fedcba98",
      }),
      /acme\/rollout\/staging runs commit 0123456789abcdef0123456789abcdef01234567, but this update must deploy fedcba9876543210fedcba9876543210fedcba98/,
    );
    const ok = await runOffline(committedConfig("production"), "production", { projectDir, stackReferences: refs, expectCommit: sha });
    assert.equal(ok.values.imageCommit, sha);
  });

  it("lets production's nodes pull that one staging repository", async () => {
    const r = await renderCommitted("production");
    const grant = one(r, T.repoIam, "production-image-promoted-reader-0").props;
    assert.deepEqual(
      [grant.project, grant.location, grant.repository, grant.role],
      ["acme-rollout-staging", "europe-west1", "rollout", "roles/artifactregistry.reader"],
    );
  });

  it("rejects a staging output that is not pinned by digest", async () => {
    const cfg = committedConfig("production");
    await assert.rejects(
      runOffline(cfg, "production", {
        projectDir,
        stackReferences: { "acme/rollout/staging": { image: "europe-west1-docker.pkg.dev/p/r/okeydokey:latest", imageCommit: sha } },
      }),
      /acme\/rollout\/staging output 'image': expected an image pinned by digest/,
    );
  });

  it("protects the cluster, registry and namespaces, with immutable tags and deletion protection", async () => {
    const r = await renderCommitted("production");
    const cluster = one(r, T.cluster);
    assert.equal(cluster.protect, true);
    assert.equal(cluster.props.deletionProtection, true);
    assert.deepEqual(cluster.props.releaseChannel, { channel: "STABLE" });
    const repo = one(r, T.repository);
    assert.equal(repo.protect, true);
    assert.deepEqual(repo.props.dockerConfig, { immutableTags: true });
    for (const ns of ofType(r, T.namespace).filter((n) => n.props.metadata.name !== "cd")) assert.equal(ns.protect, true, ns.name);
  });

  it("runs 3+ replicas with maxUnavailable 0, a PDB and zone spread", async () => {
    const r = await renderCommitted("production");
    const d = one(r, T.deployment, "demo-blue").props;
    assert.ok(d.spec.replicas >= 3);
    assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0);
    assert.equal(d.spec.template.spec.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    const pdb = one(r, T.pdb).props;
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "production-demo" });
  });
});

describe("rbac: cdRoleRules", () => {
  it("covers what a rollout needs and reads pods and logs only", () => {
    const rules = cdRoleRules();
    const can = (group: string, resource: string, verb: string) =>
      rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const [g, res] of [
      ["apps", "deployments"],
      ["apps", "statefulsets"],
      ["apps", "daemonsets"],
      ["", "services"],
      ["", "configmaps"],
      ["policy", "poddisruptionbudgets"],
      ["autoscaling", "horizontalpodautoscalers"],
      ["gateway.networking.k8s.io", "httproutes"],
    ]) {
      assert.ok(can(g, res, "patch"), `${g}/${res} patch`);
    }
    assert.ok(can("", "pods", "get") && can("", "pods/log", "get"));
    assert.ok(!can("", "pods", "delete") && !can("", "pods", "create"));
    assert.ok(!rules.some((r) => r.resources.includes("secrets")));
  });
});

describe("digest helpers", () => {
  it("reject anything that is not pinned", () => {
    assert.throws(() => pinnedImage("registry.example/app:latest"), /expected an image pinned by digest/);
    assert.equal(pinnedImage(`registry.example:5000/a/app:v1@${digestA}`).ref, `registry.example:5000/a/app@${digestA}`);
    assert.equal(resolveGitSha({ environment: sha, fromGit: () => undefined }), sha);
    assert.equal(resolveGitSha({ configured: "abcdef1", environment: sha, fromGit: () => undefined }), "abcdef1");
    assert.throws(() => resolveGitSha({ environment: "latest", fromGit: () => undefined }), /expected a git commit SHA/);
    assert.throws(() => resolveGitSha({ fromGit: () => undefined }), /rollout:image.gitSha/);
  });
});
