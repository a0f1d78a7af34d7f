// Parses the `rollout:` config of a stack once, at the edge, and reports every problem at once.
import type { core } from "zod";
import { Environment, environments } from "./defaults";
import { StackConfig, stackSchema } from "./schema";

export const configNamespace = "rollout";
const knownKeys = ["environment", "cluster", "registry", "image", "cd", "traffic", "apps", "gitops"] as const;

/** Thrown before any resource is registered; its message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates the raw config of a stack: `raw` maps full keys (`rollout:apps`) to values, either
 * already parsed (YAML in tests and the renderer) or as Pulumi hands them to the program (strings,
 * JSON for structured values). Keys of other namespaces (`gcp:project`) are ignored.
 */
export function parseStackConfig(
  raw: Readonly<Record<string, unknown>>,
  stackName: string,
  secretKeys: readonly string[] = [],
): StackConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const refused = new Set<string>();
  for (const [fullKey, value] of Object.entries(raw ?? {})) {
    const [ns, key] = fullKey.split(":", 2);
    if (ns !== configNamespace) continue;
    if (!(knownKeys as readonly string[]).includes(key)) {
      problems.push(`${fullKey}: unknown key; expected one of ${knownKeys.map((k) => `${configNamespace}:${k}`).join(", ")}`);
      continue;
    }
    if (secretKeys.includes(fullKey)) {
      refused.add(key);
      // Nothing under rollout: is secret material: it ends up in plain Kubernetes objects (env, ConfigMaps, labels).
      problems.push(
        `${fullKey}: expected a plain value, not a secret: rollout renders this key into Kubernetes objects in plain text; keep secrets in a Kubernetes Secret or Secret Manager instead`,
      );
      continue;
    }
    values[key] = decode(value);
  }
  const env = values.environment ?? ((environments as readonly string[]).includes(stackName) ? stackName : undefined);
  if (env === undefined) {
    problems.push(
      `${configNamespace}:environment: expected one of ${environments.join(", ")} (required because the stack name '${stackName}' is not one of them)`,
    );
  } else {
    values.environment = env;
  }
  // With an unusable environment, validate against staging's schema so the other problems still show.
  const schemaEnv: Environment = (environments as readonly unknown[]).includes(env) ? (env as Environment) : "staging";
  const result = stackSchema(schemaEnv).safeParse({ ...values, environment: values.environment ?? schemaEnv }, { reportInput: true });
  if (result.success && problems.length === 0) return result.data;
  // A refused key was left out on purpose: its absence is not another problem.
  if (!result.success) problems.push(...result.error.issues.filter((i) => !refused.has(String(i.path[0]))).map(formatIssue));
  throw new ConfigError(problems);
}

function decode(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

/** `["apps", 0, "replicas"]` -> `rollout:apps[0].replicas` */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = configNamespace;
  path.forEach((part, i) => {
    const key = String(part);
    if (typeof part === "number") out += `[${part}]`;
    // Keys of user maps may hold anything: quote those that would not read as one path segment.
    else if (!/^[A-Za-z0-9_./-]+$/.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += i === 0 ? `:${key}` : `.${key}`;
  });
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function formatIssue(issue: core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys
        .map((k) => `${formatKeyPath([...issue.path, k])}: unknown key; check the spelling against the config reference in README.md`)
        .join("\n  - ");
    case "invalid_union": {
      // No branch matched: a branch whose shape matched (its problems lie deeper) says what is wrong
      // inside; otherwise the union's own message lists the forms.
      const depth = (errors: readonly core.$ZodIssue[]) => Math.max(0, ...errors.map((e) => e.path.length));
      const closest = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
      if (closest && closest.length > 0 && (depth(closest) > 0 || !issue.message.startsWith("expected"))) {
        return closest.map((sub) => formatIssue({ ...sub, path: [...issue.path, ...sub.path] } as core.$ZodIssue)).join("\n  - ");
      }
      return `${formatKeyPath(issue.path)}: ${expectation(issue)}, got ${show(input)}`;
    }
    case "invalid_key":
    case "invalid_element":
      return issue.issues.map((sub) => formatIssue({ ...sub, path: [...issue.path, ...sub.path] } as core.$ZodIssue)).join("\n  - ");
    default:
      return `${formatKeyPath(issue.path)}: ${expectation(issue)}, got ${show(input)}`;
  }
}

const typeNames: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

/** Says what is expected in words. Messages written in the schema start with "expected"; zod's own never reach a user. */
export function expectation(issue: core.$ZodIssue): string {
  if (issue.message.startsWith("expected")) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return `expected ${typeNames[issue.expected] ?? `a value of type ${issue.expected}`}`;
    case "invalid_value":
      return `expected ${issue.values.length === 1 ? "" : "one of "}${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array"
        ? `expected at least ${issue.minimum} item(s)`
        : issue.origin === "string"
          ? `expected at least ${issue.minimum} character(s)`
          : `expected a value >= ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array"
        ? `expected at most ${issue.maximum} item(s)`
        : issue.origin === "string"
          ? `expected at most ${issue.maximum} character(s)`
          : `expected a value <= ${issue.maximum}`;
    case "invalid_format":
      return "expected a value in the format the config reference in README.md gives for this key";
    case "invalid_union":
      return "expected a value of one of the forms the config reference in README.md gives for this key";
    default:
      return "expected a value as the config reference in README.md describes for this key";
  }
}
