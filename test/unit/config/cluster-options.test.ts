// GKE network and maintenance options (rollout:cluster with provider gke): every pattern on both sides,
// and the exact Cluster arguments they become.
import { strict as assert } from "assert";
import { clusterOptionArgs } from "../../../config/cluster-options";
import { ConfigError, parseStackConfig } from "../../../config/load";
import { committedConfig } from "../../support/stacks";

const staging = committedConfig("staging");
const gke = staging["rollout:cluster"] as Record<string, unknown>;

function cluster(over: Record<string, unknown>) {
  return parseStackConfig({ ...staging, "rollout:cluster": { ...gke, ...over } }, "staging").cluster as Record<string, unknown>;
}

function problems(over: Record<string, unknown>): string[] {
  try {
    cluster(over);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
  assert.fail("expected the config to be rejected");
}

const cidrMessage = (v: string) => `rollout:cluster.authorizedNetworks[0].cidr: expected an IPv4 CIDR such as '203.0.113.0/24', got "${v}"`;
const timeMessage = (v: string) =>
  `rollout:cluster.maintenanceWindow.startTime: expected an RFC 3339 UTC time such as '2026-01-03T02:00:00Z', got "${v}"`;
const rruleMessage = (v: string) =>
  `rollout:cluster.maintenanceWindow.recurrence: expected an RRULE such as 'FREQ=WEEKLY;BYDAY=SA,SU', got "${v}"`;
const window = { startTime: "2026-01-03T02:00:00Z", endTime: "2026-01-03T06:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" };

describe("config/cluster-options: defaults", () => {
  it("public nodes, no authorized networks, no maintenance window", () => {
    const c = cluster({});
    assert.equal(c.privateNodes, false);
    assert.deepEqual(c.authorizedNetworks, []);
    assert.equal(c.maintenanceWindow, undefined);
    assert.equal("maintenanceWindow" in c, false);
  });
});

describe("config/cluster-options: authorized networks", () => {
  it("takes CIDRs with prefixes 0 to 32", () => {
    for (const cidr of [
      "203.0.113.0/24",
      "0.0.0.0/0",
      "10.0.0.0/8",
      "10.1.0.0/9",
      "10.1.0.0/19",
      "10.1.2.0/29",
      "10.1.2.3/30",
      "1.2.3.4/32",
    ]) {
      assert.deepEqual(cluster({ authorizedNetworks: [{ cidr, name: "office" }] }).authorizedNetworks, [{ cidr, name: "office" }], cidr);
    }
    assert.deepEqual(cluster({ authorizedNetworks: [{ cidr: "255.255.255.255/32", name: "a" }] }).authorizedNetworks, [
      { cidr: "255.255.255.255/32", name: "a" },
    ]);
  });

  it("refuses what is not an IPv4 CIDR", () => {
    for (const cidr of [
      "10.0.0.0",
      "10.0.0.0/33",
      "10.0.0.0/40",
      "10.0.0/8",
      "1234.0.0.0/8",
      "x10.0.0.0/8",
      "10.0.0.0/8x",
      "10.0.0.0/",
      "a.b.c.d/8",
      "10.0.0.0/-1",
      "10 0.0.0/8",
    ]) {
      assert.deepEqual(problems({ authorizedNetworks: [{ cidr, name: "office" }] }), [cidrMessage(cidr)], cidr);
    }
  });

  it("names of 1 to 60 characters", () => {
    assert.deepEqual(cluster({ authorizedNetworks: [{ cidr: "10.0.0.0/8", name: "n".repeat(60) }] }).authorizedNetworks, [
      { cidr: "10.0.0.0/8", name: "n".repeat(60) },
    ]);
    assert.deepEqual(cluster({ authorizedNetworks: [{ cidr: "10.0.0.0/8", name: "n" }] }).authorizedNetworks, [
      { cidr: "10.0.0.0/8", name: "n" },
    ]);
    assert.deepEqual(problems({ authorizedNetworks: [{ cidr: "10.0.0.0/8", name: "n".repeat(61) }] }), [
      `rollout:cluster.authorizedNetworks[0].name: expected at most 60 character(s), got "${"n".repeat(61)}"`,
    ]);
    assert.deepEqual(problems({ authorizedNetworks: [{ cidr: "10.0.0.0/8", name: "" }] }), [
      'rollout:cluster.authorizedNetworks[0].name: expected at least 1 character(s), got ""',
    ]);
  });

  it("only cidr and name", () => {
    assert.deepEqual(problems({ authorizedNetworks: [{ cidr: "10.0.0.0/8", name: "a", extra: 1 }] }), [
      "rollout:cluster.authorizedNetworks[0].extra: unknown key; check the spelling against the config reference in README.md",
    ]);
  });
});

describe("config/cluster-options: maintenance window", () => {
  it("takes RFC 3339 UTC times and daily or weekly RRULEs", () => {
    assert.deepEqual(cluster({ maintenanceWindow: window }).maintenanceWindow, window);
    const daily = { ...window, recurrence: "FREQ=DAILY" };
    assert.deepEqual(cluster({ maintenanceWindow: daily }).maintenanceWindow, daily);
    const two = { ...window, recurrence: "FREQ=WEEKLY;BYDAY=SA;INTERVAL=2" };
    assert.deepEqual(cluster({ maintenanceWindow: two }).maintenanceWindow, two);
  });

  it("refuses other times", () => {
    for (const t of [
      "02:00",
      "2026-01-03T02:00:00",
      "2026-01-03T02:00:00+01:00",
      "2026-01-03 02:00:00Z",
      "x2026-01-03T02:00:00Z",
      "2026-01-03T02:00:00Zx",
      "2026-1-03T02:00:00Z",
      "2026-01-03T2:00:00Z",
      "26-01-03T02:00:00Z",
    ]) {
      assert.deepEqual(problems({ maintenanceWindow: { ...window, startTime: t } }), [timeMessage(t)], t);
    }
    assert.deepEqual(problems({ maintenanceWindow: { ...window, endTime: "06:00" } }), [
      "rollout:cluster.maintenanceWindow.endTime: expected an RFC 3339 UTC time such as '2026-01-03T02:00:00Z', got \"06:00\"",
    ]);
  });

  it("refuses other recurrences", () => {
    for (const r of [
      "weekly",
      "FREQ=MONTHLY",
      "FREQ=WEEKLY;",
      "FREQ=WEEKLY;byday=SA",
      "FREQ=WEEKLY;BYDAY=",
      "FREQ=WEEKLY BYDAY=SA",
      "xFREQ=DAILY",
      "FREQ=DAILYx",
      "FREQ=WEEKLY;BYDAY=SA;x",
    ]) {
      assert.deepEqual(problems({ maintenanceWindow: { ...window, recurrence: r } }), [rruleMessage(r)], r);
    }
  });

  it("needs all three fields and no other", () => {
    assert.deepEqual(problems({ maintenanceWindow: { startTime: window.startTime, endTime: window.endTime } }), [
      "rollout:cluster.maintenanceWindow.recurrence: expected a string, got nothing (the key is missing)",
    ]);
    assert.deepEqual(problems({ maintenanceWindow: { ...window, days: 2 } }), [
      "rollout:cluster.maintenanceWindow.days: unknown key; check the spelling against the config reference in README.md",
    ]);
  });

  it("privateNodes is true or false", () => {
    assert.equal(cluster({ privateNodes: true }).privateNodes, true);
    assert.deepEqual(problems({ privateNodes: "yes" }), ['rollout:cluster.privateNodes: expected true or false, got "yes"']);
  });
});

describe("config/cluster-options: the Cluster arguments", () => {
  it("only the Secret Manager add-on by default", () => {
    assert.deepEqual(clusterOptionArgs({ privateNodes: false, authorizedNetworks: [] }), { secretManagerConfig: { enabled: true } });
  });

  it("private nodes with a public endpoint, each authorized network, the window as given", () => {
    const o = {
      privateNodes: true,
      authorizedNetworks: [
        { cidr: "203.0.113.0/24", name: "office" },
        { cidr: "198.51.100.7/32", name: "vpn" },
      ],
      maintenanceWindow: window,
    };
    const args = clusterOptionArgs(o);
    assert.deepEqual(args, {
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: [
          { cidrBlock: "203.0.113.0/24", displayName: "office" },
          { cidrBlock: "198.51.100.7/32", displayName: "vpn" },
        ],
      },
      maintenancePolicy: { recurringWindow: { ...window } },
      secretManagerConfig: { enabled: true },
    });
    // A copy: the config object is not handed to the provider.
    assert.notEqual(args.maintenancePolicy?.recurringWindow, window);
  });

  it("one authorized network is enough", () => {
    assert.deepEqual(clusterOptionArgs({ privateNodes: false, authorizedNetworks: [{ cidr: "10.0.0.0/8", name: "a" }] }), {
      masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "10.0.0.0/8", displayName: "a" }] },
      secretManagerConfig: { enabled: true },
    });
  });
});
