// A person's runner for the real engine (tools/engine.ts):
//   npm run engine -- up --stack local [--config-from local] [--set rollout:apps='[...]'] [--policy-pack policy]
//   npm run engine -- preview|destroy|refresh|versions ...
// Prints the engine's versions first, streams its progress lines, and ends with the update summary.
import * as path from "path";
import { changed, EngineStack, engineVersions, formatVersions, projectDir } from "../tools/engine";

const ops = ["preview", "up", "destroy", "refresh", "versions"] as const;
type Op = (typeof ops)[number];

function parse(argv: string[]): {
  op: Op;
  stack?: string;
  configFrom?: string;
  set: Record<string, string>;
  policyPack?: string;
  policyConfig?: string;
  kubeconfig?: string;
} {
  const [op, ...rest] = argv;
  if (!(ops as readonly string[]).includes(op))
    throw new Error(`expected one of ${ops.join(", ")} as the first argument, got '${op ?? ""}'`);
  const out: ReturnType<typeof parse> = { op: op as Op, set: {} };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (flag) {
      case "--stack":
        out.stack = value;
        break;
      case "--config-from":
        out.configFrom = value;
        break;
      case "--policy-pack":
        out.policyPack = path.resolve(value);
        break;
      case "--policy-pack-config":
        out.policyConfig = path.resolve(value);
        break;
      case "--kubeconfig":
        out.kubeconfig = path.resolve(value);
        break;
      case "--set": {
        const eq = value.indexOf("=");
        if (eq < 1) throw new Error(`--set expects key=value (e.g. rollout:apps='[...]'), got '${value}'`);
        out.set[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      default:
        throw new Error(`unknown flag ${flag}; expected --stack, --config-from, --set, --policy-pack, --policy-pack-config, --kubeconfig`);
    }
  }
  if (out.op !== "versions" && !out.stack) throw new Error("--stack is required");
  return out;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  console.log(formatVersions(engineVersions()));
  if (args.op === "versions") return;
  const stack = await EngineStack.open({
    stack: args.stack!,
    configFrom: args.configFrom,
    config: args.set,
    kubeconfig: args.kubeconfig ?? process.env.KUBECONFIG,
    onOutput: (l) => console.log(l),
  });
  const pack = args.policyPack ? { dir: args.policyPack, config: args.policyConfig } : undefined;
  const r =
    args.op === "preview"
      ? await stack.preview(pack)
      : args.op === "up"
        ? await stack.up(pack)
        : args.op === "destroy"
          ? await stack.destroy()
          : await stack.refresh();
  console.log(
    `\n${args.op} ${args.stack}: ${r.result} in ${r.seconds.toFixed(1)}s; ${JSON.stringify(changed(r.changes))} (state: ${path.relative(projectDir, stack.workDir) || stack.workDir})`,
  );
}

main().catch((e: Error) => {
  console.error(`engine: ${e.message}`);
  process.exit(1);
});
