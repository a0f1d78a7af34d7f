// workloads/probes.ts: the probe a container gets from config, and the two probe durations the
// rollout timeouts are built from.
import { strict as assert } from "assert";
import type { ProbeConfig } from "../../../config/schema";
import { httpPortName, probeSpec, secondsToFirstSuccess, startupBudgetSeconds } from "../../../workloads/probes";

const timing = { initialDelaySeconds: 7, periodSeconds: 3, timeoutSeconds: 2, successThreshold: 4, failureThreshold: 11 };
const probe = (p: Partial<ProbeConfig>): ProbeConfig => ({ ...timing, ...p }) as ProbeConfig;

describe("workloads/probes: probeSpec", () => {
  it("names the port 'http'", () => {
    assert.equal(httpPortName, "http");
  });

  it("httpGet: the path, the named port by default, and all five timing fields", () => {
    assert.deepEqual(probeSpec(probe({ httpGet: { path: "/ready" } })), {
      httpGet: { path: "/ready", port: "http" },
      initialDelaySeconds: 7,
      periodSeconds: 3,
      timeoutSeconds: 2,
      successThreshold: 4,
      failureThreshold: 11,
    });
  });

  it("httpGet: an explicit port wins over the named one", () => {
    assert.deepEqual(probeSpec(probe({ httpGet: { path: "/z", port: 9091 } })).httpGet, { path: "/z", port: 9091 });
  });

  it("tcpSocket: the named port by default, an explicit one when given", () => {
    assert.deepEqual(probeSpec(probe({ tcpSocket: {} })), { tcpSocket: { port: "http" }, ...timing });
    assert.deepEqual(probeSpec(probe({ tcpSocket: { port: 5432 } })), { tcpSocket: { port: 5432 }, ...timing });
  });

  it("exec: the command as given", () => {
    assert.deepEqual(probeSpec(probe({ exec: { command: ["/app", "--check"] } })), {
      exec: { command: ["/app", "--check"] },
      ...timing,
    });
  });

  it("no handler: the exact error", () => {
    assert.throws(() => probeSpec(probe({})), { message: "probe: expected exactly one of httpGet, tcpSocket, exec" });
  });
});

describe("workloads/probes: durations", () => {
  it("first success: initialDelay + period x successThreshold (7 + 3 x 4)", () => {
    assert.equal(secondsToFirstSuccess(probe({ httpGet: { path: "/" } })), 19);
  });

  it("first success of a probe with no delay and one success: one period", () => {
    assert.equal(secondsToFirstSuccess(probe({ initialDelaySeconds: 0, periodSeconds: 5, successThreshold: 1 })), 5);
  });

  it("startup budget: initialDelay + period x failureThreshold (7 + 3 x 11)", () => {
    assert.equal(startupBudgetSeconds(probe({ exec: { command: ["/x"] } })), 40);
  });

  it("startup budget without a startup probe: 0", () => {
    assert.equal(startupBudgetSeconds(undefined), 0);
  });
});
