// workloads/secrets.ts: the CSI volume and SecretProviderClass that bring Secret Manager secrets into the pod.
import { strict as assert } from "assert";
import { appOf } from "../../support/apps";
import { gkeSecretsCsiDriver, secretProviderClass, secretProviderClassName, secretsVolume } from "../../../workloads/secrets";

const id = { app: "shop", environment: "staging" };
// A kubeconfig stack rejects secrets (GKE add-on only): the secrets are set on a parsed app.
const withSecrets = () => ({
  ...appOf({ name: "shop" }),
  secrets: [
    { name: "db-password", version: "3" },
    { name: "api-key", version: "latest", file: "api.key" },
  ],
});

describe("workloads/secrets", () => {
  it("the GKE add-on's driver and the class name", () => {
    assert.equal(gkeSecretsCsiDriver, "secrets-store-gke.csi.k8s.io");
    assert.equal(secretProviderClassName("shop"), "shop-secrets");
  });

  it("no secrets: no volume and no SecretProviderClass", () => {
    assert.equal(secretsVolume(appOf()), undefined);
    assert.equal(secretProviderClass(appOf(), id, "acme-prod"), undefined);
  });

  it("secrets: a read-only CSI volume naming the class, mounted read-only at /var/run/secrets/app", () => {
    assert.deepEqual(secretsVolume(withSecrets()), {
      volume: {
        name: "secrets",
        csi: { driver: "secrets-store-gke.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "shop-secrets" } },
      },
      mount: { name: "secrets", mountPath: "/var/run/secrets/app", readOnly: true },
    });
  });

  it("the SecretProviderClass: each secret's full resource name, its file defaulting to its name", () => {
    assert.deepEqual(secretProviderClass(withSecrets(), id, "acme-prod"), {
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: {
        name: "shop-secrets",
        namespace: "staging-shop",
        labels: {
          "app.kubernetes.io/name": "shop",
          "app.kubernetes.io/instance": "staging-shop",
          "app.kubernetes.io/managed-by": "pulumi",
          "app.kubernetes.io/part-of": "rollout",
        },
      },
      spec: {
        provider: "gke",
        parameters: {
          secrets:
            '[{"resourceName":"projects/acme-prod/secrets/db-password/versions/3","path":"db-password"},' +
            '{"resourceName":"projects/acme-prod/secrets/api-key/versions/latest","path":"api.key"}]',
        },
      },
    });
  });
});
