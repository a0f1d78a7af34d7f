// Gate verdicts alone: exact reasons, both sides of the Prometheus limit, and what counts as no evidence.
import { strict as assert } from "assert";
import { prometheusVerdict, serviceProxyPath, smokeVerdict, smokeVerdictOfAttempts } from "../../../lib/gates";

const smoke = { path: "/ready", expectStatus: 200, attempts: 3, intervalSeconds: 1 };
const smokeOk = { ...smoke, expectBody: "OK" };

describe("lib/gates: smoke verdicts", () => {
  it("passes on the expected status, naming path and status", () => {
    assert.deepEqual(smokeVerdict(smoke, { status: 200 }), { pass: true, reason: "GET /ready answered 200" });
    assert.deepEqual(smokeVerdict(smoke, { status: 200, body: "anything" }), { pass: true, reason: "GET /ready answered 200" });
  });

  it("fails on any other status, also one off", () => {
    assert.deepEqual(smokeVerdict(smoke, { status: 201 }), { pass: false, reason: "GET /ready answered 201, expected 200" });
    assert.deepEqual(smokeVerdict(smoke, { status: 199 }), { pass: false, reason: "GET /ready answered 199, expected 200" });
    assert.deepEqual(smokeVerdict(smoke, {}), { pass: false, reason: "GET /ready answered undefined, expected 200" });
    assert.deepEqual(smokeVerdict({ ...smoke, expectStatus: 204 }, { status: 204 }), { pass: true, reason: "GET /ready answered 204" });
  });

  it("fails on an error before looking at the status", () => {
    assert.deepEqual(smokeVerdict(smoke, { status: 200, error: "connection refused" }), {
      pass: false,
      reason: "GET /ready failed: connection refused",
    });
    assert.deepEqual(smokeVerdict(smoke, { error: "" }), { pass: false, reason: "GET /ready failed: " });
  });

  it("checks the body contains the expected text, quoting at most 80 characters of it", () => {
    assert.deepEqual(smokeVerdict(smokeOk, { status: 200, body: "status: OK\n" }), { pass: true, reason: "GET /ready answered 200" });
    assert.deepEqual(smokeVerdict(smokeOk, { status: 200, body: "ok" }), {
      pass: false,
      reason: "GET /ready body does not contain 'OK': 'ok'",
    });
    assert.deepEqual(smokeVerdict(smokeOk, { status: 200 }), { pass: false, reason: "GET /ready body does not contain 'OK': ''" });
    const long = `${"x".repeat(79)}yz`;
    assert.deepEqual(smokeVerdict(smokeOk, { status: 200, body: long }), {
      pass: false,
      reason: `GET /ready body does not contain 'OK': '${"x".repeat(79)}y'`,
    });
    // An empty expected body is contained in every body, also a missing one.
    assert.deepEqual(smokeVerdict({ ...smoke, expectBody: "" }, { status: 200 }), { pass: true, reason: "GET /ready answered 200" });
  });

  it("reports the status before the body", () => {
    assert.deepEqual(smokeVerdict(smokeOk, { status: 500, body: "nope" }), {
      pass: false,
      reason: "GET /ready answered 500, expected 200",
    });
  });
});

describe("lib/gates: several smoke attempts", () => {
  it("passes on the first passing attempt", () => {
    assert.deepEqual(smokeVerdictOfAttempts(smoke, [{ error: "refused" }, { status: 200 }, { status: 500 }]), {
      pass: true,
      reason: "GET /ready answered 200",
    });
    assert.deepEqual(smokeVerdictOfAttempts({ ...smoke, expectStatus: 204 }, [{ status: 204 }, { status: 200 }]), {
      pass: true,
      reason: "GET /ready answered 204",
    });
  });

  it("fails with the count and the last attempt's reason", () => {
    assert.deepEqual(smokeVerdictOfAttempts(smoke, [{ status: 200, error: "refused" }, { status: 503 }]), {
      pass: false,
      reason: "2 attempt(s) failed; last: GET /ready answered 503, expected 200",
    });
    assert.deepEqual(smokeVerdictOfAttempts(smoke, [{ status: 503 }]), {
      pass: false,
      reason: "1 attempt(s) failed; last: GET /ready answered 503, expected 200",
    });
    assert.deepEqual(smokeVerdictOfAttempts(smoke, []), { pass: false, reason: "0 attempt(s) failed; last: no attempt made" });
  });
});

describe("lib/gates: Prometheus verdicts", () => {
  const gate = { url: "http://prometheus:9090", query: "error_ratio", max: 0.05 };
  const vector = (...values: string[]) => ({
    status: "success",
    data: { resultType: "vector", result: values.map((v) => ({ value: [1700000000, v] })) },
  });

  it("passes at the limit and below it, fails just above it", () => {
    assert.deepEqual(prometheusVerdict(gate, vector("0.05")), { pass: true, reason: "'error_ratio' = 0.05 <= 0.05" });
    assert.deepEqual(prometheusVerdict(gate, vector("0.04")), { pass: true, reason: "'error_ratio' = 0.04 <= 0.05" });
    assert.deepEqual(prometheusVerdict(gate, vector("0.051")), { pass: false, reason: "'error_ratio' = 0.051 > 0.05" });
  });

  it("judges a vector by its worst sample", () => {
    assert.deepEqual(prometheusVerdict(gate, vector("0.01", "0.2", "0.03")), { pass: false, reason: "'error_ratio' = 0.2 > 0.05" });
    assert.deepEqual(prometheusVerdict(gate, vector("0.01", "0.03")), { pass: true, reason: "'error_ratio' = 0.03 <= 0.05" });
    assert.deepEqual(prometheusVerdict({ ...gate, max: -3 }, vector("-4", "-2")), { pass: false, reason: "'error_ratio' = -2 > -3" });
  });

  it("reads a scalar result", () => {
    const scalar = (v: string) => ({ status: "success", data: { resultType: "scalar", result: [1700000000, v] } });
    assert.deepEqual(prometheusVerdict(gate, scalar("0")), { pass: true, reason: "'error_ratio' = 0 <= 0.05" });
    assert.deepEqual(prometheusVerdict(gate, scalar("1")), { pass: false, reason: "'error_ratio' = 1 > 0.05" });
  });

  it("does not pass on silence or NaN", () => {
    assert.deepEqual(prometheusVerdict(gate, vector()), { pass: false, reason: "Prometheus query 'error_ratio' returned no samples" });
    assert.deepEqual(prometheusVerdict(gate, vector("NaN")), { pass: false, reason: "Prometheus query 'error_ratio' returned NaN" });
    assert.deepEqual(prometheusVerdict(gate, vector("0.01", "NaN")), {
      pass: false,
      reason: "Prometheus query 'error_ratio' returned NaN",
    });
    assert.deepEqual(prometheusVerdict(gate, { status: "success", data: { resultType: "vector", result: [{}] } }), {
      pass: false,
      reason: "Prometheus query 'error_ratio' returned NaN",
    });
  });

  it("names a failed query and result types it cannot judge", () => {
    assert.deepEqual(prometheusVerdict(gate, { status: "error", error: "parse error" }), {
      pass: false,
      reason: "Prometheus query failed: parse error",
    });
    assert.deepEqual(prometheusVerdict(gate, { status: "error" }), { pass: false, reason: "Prometheus query failed: no success status" });
    assert.deepEqual(prometheusVerdict(gate, undefined), { pass: false, reason: "Prometheus query failed: no success status" });
    assert.deepEqual(prometheusVerdict(gate, null), { pass: false, reason: "Prometheus query failed: no success status" });
    assert.deepEqual(prometheusVerdict(gate, { status: "success", data: { resultType: "matrix", result: [] } }), {
      pass: false,
      reason: "Prometheus query returned matrix, expected a vector or scalar",
    });
    assert.deepEqual(prometheusVerdict(gate, { status: "success" }), {
      pass: false,
      reason: "Prometheus query returned nothing, expected a vector or scalar",
    });
    assert.deepEqual(prometheusVerdict(gate, { status: "success", data: {} }), {
      pass: false,
      reason: "Prometheus query returned nothing, expected a vector or scalar",
    });
  });
});

describe("lib/gates: the service proxy path", () => {
  it("goes through the Service's port named http", () => {
    assert.equal(
      serviceProxyPath("local-demo", "demo-preview", "/ready"),
      "/api/v1/namespaces/local-demo/services/demo-preview:http/proxy/ready",
    );
    assert.equal(serviceProxyPath("ns", "svc", "/"), "/api/v1/namespaces/ns/services/svc:http/proxy/");
  });
});
