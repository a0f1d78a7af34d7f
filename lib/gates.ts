// Gate decisions as pure functions, and the checks a gate runs during `pulumi up` (never during a
// preview: the dynamic provider only acts in create/update).

export interface SmokeGate {
  readonly path: string;
  readonly expectStatus: number;
  readonly expectBody?: string;
  readonly attempts: number;
  readonly intervalSeconds: number;
}

export interface PrometheusGate {
  readonly url: string;
  readonly query: string;
  readonly max: number;
}

export interface Verdict {
  readonly pass: boolean;
  readonly reason: string;
}

/** One smoke probe's result: the status and body the service answered, or the error reaching it. */
export interface SmokeResult {
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

export function smokeVerdict(gate: SmokeGate, result: SmokeResult): Verdict {
  if (result.error !== undefined) return { pass: false, reason: `GET ${gate.path} failed: ${result.error}` };
  if (result.status !== gate.expectStatus)
    return { pass: false, reason: `GET ${gate.path} answered ${result.status}, expected ${gate.expectStatus}` };
  if (gate.expectBody !== undefined && !(result.body ?? "").includes(gate.expectBody)) {
    return { pass: false, reason: `GET ${gate.path} body does not contain '${gate.expectBody}': '${(result.body ?? "").slice(0, 80)}'` };
  }
  return { pass: true, reason: `GET ${gate.path} answered ${result.status}` };
}

/** A Prometheus instant-query response (`/api/v1/query`): passes when every sample is <= max. */
export function prometheusVerdict(gate: PrometheusGate, response: unknown): Verdict {
  const r = response as {
    status?: string;
    error?: string;
    data?: { resultType?: string; result?: { value?: [number, string] }[] | [number, string] };
  };
  if (r?.status !== "success") return { pass: false, reason: `Prometheus query failed: ${r?.error ?? "no success status"}` };
  const data = r.data;
  let values: number[];
  if (data?.resultType === "scalar") values = [Number((data.result as [number, string])[1])];
  else if (data?.resultType === "vector") values = (data.result as { value?: [number, string] }[]).map((s) => Number(s.value?.[1]));
  else return { pass: false, reason: `Prometheus query returned ${data?.resultType ?? "nothing"}, expected a vector or scalar` };
  // No samples means no evidence (e.g. no traffic yet): a gate does not pass on silence.
  if (values.length === 0) return { pass: false, reason: `Prometheus query '${gate.query}' returned no samples` };
  if (values.some((v) => Number.isNaN(v))) return { pass: false, reason: `Prometheus query '${gate.query}' returned NaN` };
  const worst = Math.max(...values);
  return worst <= gate.max
    ? { pass: true, reason: `'${gate.query}' = ${worst} <= ${gate.max}` }
    : { pass: false, reason: `'${gate.query}' = ${worst} > ${gate.max}` };
}

/** Several attempts of a smoke check: passes on the first passing attempt (pods may warm up). */
export function smokeVerdictOfAttempts(gate: SmokeGate, results: readonly SmokeResult[]): Verdict {
  const verdicts = results.map((r) => smokeVerdict(gate, r));
  const passing = verdicts.find((v) => v.pass);
  if (passing) return passing;
  return {
    pass: false,
    reason: `${results.length} attempt(s) failed; last: ${verdicts[verdicts.length - 1]?.reason ?? "no attempt made"}`,
  };
}

/** The API server path that proxies to a Service's named port (the seeds' `kubectl proxy` + curl). */
export function serviceProxyPath(namespace: string, service: string, path: string): string {
  return `/api/v1/namespaces/${namespace}/services/${service}:http/proxy${path}`;
}

/** What a failed canary gate puts back, as the gate's inputs carry it (strategies/types RevertPlan, rendered). */
export interface Revert {
  readonly scale: readonly { readonly workload: string; readonly replicas: number }[];
  /** The HTTPRoute's name and its rules with all traffic on stable, as the program renders them. */
  readonly route?: { readonly name: string; readonly rules: readonly unknown[] };
  readonly summary: string;
}

/** The field manager of a gate's reverts: the next `pulumi up` takes these fields back by patchForce. */
export const revertFieldManager = "rollout-gate";

/**
 * kubectl arguments (after the connection flags) that revert a failed canary, in order: the route
 * first (it moves traffic at once), then the scales. A merge patch replaces the route's whole rule
 * list, which is what the program renders for stable-only traffic.
 */
export function revertCommands(namespace: string, revert: Revert): string[][] {
  const manager = `--field-manager=${revertFieldManager}`;
  return [
    ...(revert.route
      ? [
          [
            "patch",
            `httproute/${revert.route.name}`,
            "-n",
            namespace,
            "--type=merge",
            "-p",
            JSON.stringify({ spec: { rules: revert.route.rules } }),
            manager,
          ],
        ]
      : []),
    // `kubectl scale` takes no field manager; a merge patch of spec.replicas does.
    ...revert.scale.map((s) => [
      "patch",
      `deployment/${s.workload}`,
      "-n",
      namespace,
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { replicas: s.replicas } }),
      manager,
    ]),
  ];
}
