// npm run plan -- --stack production [--format text|markdown|json]
import { ConfigError } from "../config/load";
import { formatPlan } from "../strategies/format";
import type { ExportedPlan } from "../strategies/plan";
import { renderStack } from "../tools/render";
import { parseFlags } from "./cli-args";

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), ["stack", "format", "git-sha"]);
  const stack = flags.stack ?? "local";
  const format = flags.format ?? "text";
  if (!["text", "markdown", "json"].includes(format)) throw new Error(`--format: expected text, markdown or json, got '${format}'`);
  const result = await renderStack(process.cwd(), stack, flags["git-sha"]);
  const plans = result.values.rolloutPlan as ExportedPlan[];
  if (format === "json") console.log(JSON.stringify(plans, null, 2));
  else
    console.log(
      `${format === "markdown" ? `### Rollout plan: \`${stack}\`\n\n` : `rollout plan for ${stack}:\n`}${formatPlan(plans, format as "text" | "markdown")}`,
    );
}

main().catch((e: Error) => {
  console.error(e instanceof ConfigError ? e.message : `plan failed: ${e.message}`);
  process.exit(1);
});
