import type { AppPlan } from "./plan";

/** What the table shows: a plan as built, or as the stack exported it. */
type PlanSummary = Pick<AppPlan, "app" | "namespace" | "strategy" | "podsAfter" | "peakPods" | "minReadyPods" | "trafficTo" | "steps">;

/** The plan as a table: `text` for the preview log, `markdown` for the PR comment. */
export function formatPlan(plans: readonly PlanSummary[], format: "text" | "markdown"): string {
  const header = ["app", "namespace", "strategy", "pods after", "peak pods", "min ready", "traffic to"];
  const rows = plans.map((p) => [
    p.app,
    p.namespace,
    p.strategy,
    String(p.podsAfter),
    String(p.peakPods),
    String(p.minReadyPods),
    p.trafficTo,
  ]);
  const steps = plans.flatMap((p) => p.steps.map((s, i) => `${p.app} step ${i + 1}: ${s}`));
  if (format === "markdown") {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...rows.map(line), "", ...steps.map((s) => `- ${s}`)].join("\n");
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line), "", ...steps].join("\n");
}
