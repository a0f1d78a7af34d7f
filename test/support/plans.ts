// The plan of one app as the stack exports it (edges named `<kind>:<name>`, so they compare as
// written), after checking its graph is whole: planOrder refuses an edge to a node the plan lacks.
import { exportPlan, ExportedPlan, planOrder } from "../../strategies/graph";
import { planApp } from "../../strategies/plan";

export function exportedPlan(...args: Parameters<typeof planApp>): ExportedPlan {
  const plan = planApp(...args);
  planOrder(plan);
  return exportPlan(plan);
}
