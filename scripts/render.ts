// npm run render -- --stack staging [--out dist/staging]
import * as path from "path";
import { ConfigError } from "../config/load";
import { renderStack, writeRender } from "../tools/render";
import { parseFlags } from "./cli-args";

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), ["stack", "out", "git-sha"]);
  const stack = flags.stack ?? "local";
  const out = path.resolve(flags.out ?? path.join("dist", stack));
  const result = await renderStack(process.cwd(), stack, flags["git-sha"]);
  writeRender(result, out);
  console.log(`rendered stack '${stack}' offline (Pulumi mocks, nothing applied): ${result.manifests.length} Kubernetes objects -> ${out}`);
  console.log(`GCP/Docker resources the real 'pulumi up' would also manage (not rendered): ${result.cloudResources.length}`);
}

main().catch((e: Error) => {
  console.error(e instanceof ConfigError ? e.message : `render failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
