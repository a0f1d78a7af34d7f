// The bootstrap stack's config (`bootstrap:` keys), parsed once with every problem reported at once,
// each naming its key path, the bad value and what is expected.
import { z } from "zod";

export const bootstrapNamespace = "bootstrap";

const projectId = z
  .string()
  .regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, { error: "expected a GCP project ID (6-30 lower-case letters, digits, '-')" });
const ref = z.string().regex(/^[A-Za-z0-9._/-]+$/, { error: "expected a git ref name such as 'main' or 'v'" });

const bootstrapSchema = z.strictObject({
  /** The project holding what all rollout stacks share: state bucket, secrets key, OIDC pool, CD service accounts. */
  project: projectId,
  /** Location of the state bucket and the key ring. */
  region: z.string().regex(/^[a-z]+-[a-z]+[0-9]$/, { error: "expected a GCP region such as 'europe-west1'" }),
  /** `owner/name`: the only repository whose workflows may exchange a token. */
  githubRepository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { error: "expected 'owner/name'" }),
  /** Globally unique bucket name. @default `<project>-pulumi-state` */
  stateBucket: z
    .string()
    .regex(/^[a-z0-9][-a-z0-9_]{1,61}[a-z0-9]$/, { error: "expected a bucket name (3-63 lower-case letters, digits, '-', '_')" })
    .optional(),
  /** Old versions of each state file kept for recovery. */
  stateVersionsKept: z.int().min(1).max(1000).default(20),
  environments: z.strictObject({
    staging: z.strictObject({
      project: projectId,
      /** Only pushes to this branch deploy staging. */
      branch: ref.default("main"),
    }),
    production: z.strictObject({
      project: projectId,
      /** The protected GitHub environment production jobs must run in (required reviewers live there). */
      environment: z
        .string()
        .regex(/^[A-Za-z0-9._-]+$/, { error: "expected a GitHub environment name" })
        .default("production"),
      /** Only tags starting with this deploy production (release tags). */
      tagPrefix: ref.default("v"),
    }),
  }),
});
export type BootstrapConfig = z.infer<typeof bootstrapSchema>;

const knownKeys = Object.keys(bootstrapSchema.shape);

export class BootstrapConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid bootstrap config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "BootstrapConfigError";
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, p, i) => (typeof p === "number" ? `${out}[${p}]` : `${out}${i === 0 ? ":" : "."}${String(p)}`),
    bootstrapNamespace,
  );
}

function decode(v: unknown): unknown {
  if (typeof v !== "string" || !/^\s*[[{]/.test(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** `raw` maps full keys (`bootstrap:project`) to values, parsed or as Pulumi hands them over (JSON strings). */
export function parseBootstrapConfig(raw: Readonly<Record<string, unknown>>): BootstrapConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const [ns, key] = fullKey.split(":", 2);
    if (ns !== bootstrapNamespace) continue;
    if (!knownKeys.includes(key))
      problems.push(`${fullKey}: unknown key; expected one of ${knownKeys.map((k) => `${bootstrapNamespace}:${k}`).join(", ")}`);
    else values[key] = decode(value);
  }
  const result = bootstrapSchema.safeParse(values, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) problems.push(`${keyPath([...issue.path, k])}: unknown key`);
        continue;
      }
      const input = (issue as { input?: unknown }).input;
      const expected = issue.message.startsWith("expected")
        ? issue.message
        : issue.code === "invalid_type"
          ? `expected ${issue.expected}`
          : `expected a valid value (${issue.message})`;
      problems.push(
        `${keyPath(issue.path)}: ${expected}, got ${input === undefined ? "nothing (the key is missing)" : JSON.stringify(input)}`,
      );
    }
  }
  if (problems.length > 0) throw new BootstrapConfigError(problems);
  return result.data!;
}
