import { strict as assert } from "assert";
import { configMapsToPrune, isRevisionConfigMap, referencedConfigMaps } from "../../../lib/config-revisions";

const cm = (c: string) => `web-config-${c.repeat(10)}`;

describe("lib/config-revisions: which retained ConfigMaps can go", () => {
  it("matches only the program's hash-named ConfigMaps of that app", () => {
    assert.equal(isRevisionConfigMap("web", "web-config-0123456789"), true);
    assert.equal(isRevisionConfigMap("web", "web-config-012345678"), false);
    assert.equal(isRevisionConfigMap("web", "web-config-0123456789a"), false);
    assert.equal(isRevisionConfigMap("web", "web-config-012345678G"), false);
    assert.equal(isRevisionConfigMap("web", "webx-config-0123456789"), false);
    assert.equal(isRevisionConfigMap("web", "api-config-0123456789"), false);
  });

  it("collects names from envFrom, env valueFrom and volumes of containers and init containers", () => {
    assert.deepEqual(
      [
        ...referencedConfigMaps([
          {
            containers: [{ envFrom: [{ configMapRef: { name: "a" } }, {}], env: [{ valueFrom: { configMapKeyRef: { name: "b" } } }, {}] }],
          },
          { initContainers: [{ envFrom: [{ configMapRef: { name: "c" } }] }], volumes: [{ configMap: { name: "d" } }, {}] },
        ]),
      ].sort(),
      ["a", "b", "c", "d"],
    );
  });

  it("prunes what no kept ReplicaSet names, never the current one or a foreign ConfigMap", () => {
    const templates = [{ containers: [{ envFrom: [{ configMapRef: { name: cm("b") } }] }] }];
    assert.deepEqual(configMapsToPrune("web", [cm("c"), cm("a"), cm("b"), cm("d"), "web-settings"], templates, cm("d")), [
      cm("a"),
      cm("c"),
    ]);
    assert.deepEqual(configMapsToPrune("web", [cm("a")], [], cm("a")), []);
    assert.deepEqual(configMapsToPrune("web", [cm("a")], [], undefined), [cm("a")]);
  });
});

describe("lib/config-revisions: env entries that name no ConfigMap", () => {
  it("skips values from Secrets and fields", () => {
    assert.deepEqual(
      [
        ...referencedConfigMaps([
          {
            containers: [
              { env: [{ valueFrom: { secretKeyRef: { name: "s" } } } as never, { valueFrom: {} }, { valueFrom: { configMapKeyRef: {} } }] },
            ],
          },
        ]),
      ],
      [],
    );
  });
});
