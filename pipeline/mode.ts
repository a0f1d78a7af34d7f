// Delivery mode of a stack, for the deploy workflows: `ci` (the workflow runs `pulumi up`) or
// `gitops` (rollout:gitops is set: the Pulumi Kubernetes Operator reconciles the stack from git,
// so CI must not run `pulumi up` beside it). Reads the committed stack config through the same
// loader as the program, so an invalid config fails here, with the program's message.
//   ts-node pipeline/mode.ts STACK [PROJECT_DIR]  -> prints "mode=ci" or "mode=gitops"
import * as path from "path";
import { parseStackConfig } from "../config/load";
import { readStackConfig } from "../tools/render";

export type DeliveryMode = "ci" | "gitops";

export function deliveryMode(projectDir: string, stack: string): DeliveryMode {
  return parseStackConfig(readStackConfig(projectDir, stack), stack).gitops ? "gitops" : "ci";
}

if (require.main === module) {
  const [stack, dir] = process.argv.slice(2);
  if (!stack) {
    process.stderr.write("usage: mode.ts STACK [PROJECT_DIR]\n");
    process.exit(2);
  }
  try {
    process.stdout.write(`mode=${deliveryMode(path.resolve(dir ?? path.join(__dirname, "..")), stack)}\n`);
  } catch (e) {
    process.stderr.write(`mode: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
