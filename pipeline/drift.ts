// Drift report: reads the JSON of `pulumi preview --refresh --expect-no-changes --json` (after a
// refresh, every step that is not "same" is the program undoing a change made outside it) and
// names the resources that drifted. Used by .github/workflows/drift.yml:
//   ts-node pipeline/drift.ts STACK PREVIEW_JSON  -> markdown on stdout; exit 0 no drift, 1 drift, 2 unreadable
import * as fs from "fs";

/** Steps that change nothing: unchanged resources, reads (stack references) and the refresh itself. */
const UNCHANGED_OPS: ReadonlySet<string> = new Set(["same", "read", "refresh"]);

export interface DriftedResource {
  /** The step Pulumi would take to bring the resource back to the program: update, replace, create, delete... */
  readonly op: string;
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Top-level properties that differ (update and replace steps). */
  readonly properties: readonly string[];
}

export interface DriftReport {
  readonly stack: string;
  readonly drifted: readonly DriftedResource[];
  readonly markdown: string;
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::<name>` -> its own type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${JSON.stringify(urn)}`);
  const types = parts[2].split("$");
  return { type: types[types.length - 1], name: parts.slice(3).join("::") };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The drifted resources of a preview document; throws when it is not one. */
export function driftedResources(preview: unknown): DriftedResource[] {
  if (!isRecord(preview) || !Array.isArray(preview.steps)) throw new Error("not the output of pulumi preview --json: no steps array");
  const drifted: DriftedResource[] = [];
  preview.steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.op !== "string" || typeof step.urn !== "string")
      throw new Error(`steps[${i}]: expected {op, urn} strings, got ${JSON.stringify(step)}`);
    if (UNCHANGED_OPS.has(step.op)) return;
    const { type, name } = parseUrn(step.urn);
    const properties = [...new Set([...strings(step.diffReasons), ...strings(step.replaceReasons)])].sort();
    drifted.push({ op: step.op, type, name, urn: step.urn, properties });
  });
  return drifted;
}

export function driftReport(stack: string, preview: unknown): DriftReport {
  const drifted = driftedResources(preview);
  const lines =
    drifted.length === 0
      ? [`### No drift in stack \`${stack}\``, "", "After a refresh the program and the live resources agree."]
      : [
          `### Drift in stack \`${stack}\`: ${drifted.length} resource${drifted.length === 1 ? "" : "s"} changed outside Pulumi`,
          "",
          "`pulumi up` would take these steps to bring them back to the program (or change the program to adopt them):",
          "",
          "| step | type | name | properties |",
          "|---|---|---|---|",
          ...drifted.map(
            (d) =>
              `| ${d.op} | \`${d.type}\` | \`${d.name}\` | ${d.properties.length ? d.properties.map((p) => `\`${p}\``).join(", ") : "-"} |`,
          ),
        ];
  return { stack, drifted, markdown: `${lines.join("\n")}\n` };
}

function main(argv: string[]): number {
  const [stack, file] = argv;
  if (!stack || !file) {
    process.stderr.write("usage: drift.ts STACK PREVIEW_JSON\n");
    return 2;
  }
  let preview: unknown;
  try {
    preview = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    process.stderr.write(`drift: cannot read ${file} as JSON: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const report = driftReport(stack, preview);
    process.stdout.write(report.markdown);
    return report.drifted.length === 0 ? 0 : 1;
  } catch (e) {
    process.stderr.write(`drift: ${file}: ${(e as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
