// The input contract: every rule that both the config schema (config/) and the policy pack
// (policy/) enforce lives here, once. Dependency-free on purpose: the policy pack imports it from
// its own package, so nothing here may import zod, Pulumi or anything outside this file.

// ---- environments and reserved names -------------------------------------------------------------

export const environments = ["local", "staging", "production"] as const;
export type Environment = (typeof environments)[number];

export function isEnvironment(v: unknown): v is Environment {
  return typeof v === "string" && (environments as readonly string[]).includes(v);
}

/** Annotations and labels the program writes and the policy pack reads. */
export const annotationKeys = {
  /** Marks a workload that is not the main serving track (idle slot, canary). */
  role: "rollout.dev/role",
  /** The Pulumi Kubernetes provider's await bound. */
  timeoutSeconds: "pulumi.com/timeoutSeconds",
  skipAwait: "pulumi.com/skipAwait",
  waitFor: "pulumi.com/waitFor",
  changeCause: "kubernetes.io/change-cause",
} as const;

export const labelKeys = {
  track: "rollout.dev/track",
  slot: "rollout.dev/slot",
  variant: "rollout.dev/variant",
} as const;

/** Namespaces Kubernetes or GKE own: a CD namespace or app namespace there would mix with the platform's objects. */
export function reservedNamespaceProblem(namespace: string): string | undefined {
  if (namespace === "default") return "'default' is shared by everything that names no namespace";
  if (namespace.startsWith("kube-")) return "namespaces starting with 'kube-' are reserved for Kubernetes system components";
  if (namespace.startsWith("gke-") || namespace === "gmp-system" || namespace === "gmp-public") return "GKE manages this namespace";
  return undefined;
}

// ---- Kubernetes names and keys ---------------------------------------------------------------------

/** DNS-1123 label (namespaces, Service and container names): at most 63 characters. */
export function isDnsLabel(s: string, max = 63): boolean {
  return s.length <= max && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/** DNS-1123 subdomain: dot-separated labels, at most 253 characters. */
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && s.split(".").every((part) => part.length > 0 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(part));
}

/**
 * A qualified name, as label and annotation keys and readiness-gate condition types must be:
 * an optional DNS-subdomain prefix and '/', then 1-63 characters of [A-Za-z0-9-_.], alphanumeric at both ends.
 */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix))
    return `the prefix '${prefix}' before '/' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)`;
  if (name.length === 0 || name.length > 63) return `the name after the prefix must be 1 to 63 characters, got ${name.length}`;
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name))
    return "the name must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

/** A C identifier, as environment variable names in a pod spec should be (the kubelet drops others in some shells). */
export function isEnvVarName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

// ---- int-or-percent and PDB math ---------------------------------------------------------------------

/** An IntOrString as Kubernetes reads it: a non-negative integer, or a string of digits ending in '%'. */
export type IntOrPercent = number | string;

export type ParsedIntOrPercent = { readonly kind: "int"; readonly value: number } | { readonly kind: "percent"; readonly value: number };

/**
 * Parses an IntOrString the way the API server does: a JSON integer is a count, a string must be
 * digits followed by '%' (a string "3" is invalid, and so is "2.5%").
 */
export function parseIntOrPercent(v: unknown): ParsedIntOrPercent | undefined {
  if (typeof v === "number") return Number.isInteger(v) && v >= 0 ? { kind: "int", value: v } : undefined;
  if (typeof v !== "string") return undefined;
  const m = /^([0-9]+)%$/.exec(v);
  return m ? { kind: "percent", value: Number(m[1]) } : undefined;
}

/**
 * Why a value is not a valid budget or rollout bound: not an IntOrString, or a percentage above
 * 100% (the API server rejects that for PodDisruptionBudgets and maxUnavailable); undefined if valid.
 */
export function intOrPercentProblem(v: unknown): string | undefined {
  const p = parseIntOrPercent(v);
  if (p === undefined) return 'not an integer >= 0 or a percentage such as "25%" (a quoted number like "3" is not one)';
  if (p.kind === "percent" && p.value > 100) return `${p.value}% is above 100%`;
  return undefined;
}

export function isZeroIntOrPercent(v: unknown): boolean {
  const p = parseIntOrPercent(v);
  return p !== undefined && p.value === 0;
}

/**
 * Resolves a count or percentage against a total as the controllers do: the PDB controller rounds
 * both fields up, the Deployment controller rounds maxSurge up and maxUnavailable down.
 */
export function resolveIntOrPercent(v: IntOrPercent, total: number, roundUp: boolean): number {
  const p = parseIntOrPercent(v);
  if (p === undefined) throw new Error(`expected an integer >= 0 or a percentage such as "25%", got ${JSON.stringify(v)}`);
  if (p.kind === "int") return p.value;
  const exact = (p.value * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** A PodDisruptionBudget's budget: exactly one of the two fields. */
export interface Budget {
  readonly minAvailable?: IntOrPercent;
  readonly maxUnavailable?: IntOrPercent;
}

/** Voluntary evictions a budget allows with `pods` healthy pods (what `kubectl drain` may take at once). */
export function allowedDisruptions(budget: Budget, pods: number): number {
  if (budget.maxUnavailable !== undefined) return Math.max(0, resolveIntOrPercent(budget.maxUnavailable, pods, true));
  if (budget.minAvailable !== undefined) return Math.max(0, pods - resolveIntOrPercent(budget.minAvailable, pods, true));
  return 0;
}

/** True when a budget can never allow an eviction, which blocks node drains and cluster upgrades. */
export function blocksEvictions(budget: Budget, pods: number): boolean {
  return allowedDisruptions(budget, pods) < 1;
}

// ---- shell-form entrypoints -------------------------------------------------------------------------

const shells = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "yash", "fish", "csh", "tcsh"]);

function basename(arg: string): string {
  return arg.split("/").pop() ?? "";
}

/** The argv a container starts: `command` + `args`, or `args` alone (they then replace the image's CMD). */
export function effectiveArgv(
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
): { argv: string[]; field: "command" | "args" } {
  return command && command.length > 0
    ? { argv: [...command, ...(args ?? [])], field: "command" }
    : { argv: [...(args ?? [])], field: "args" };
}

export interface ShellForm {
  /** The shell as written, e.g. `/bin/sh`. */
  readonly shell: string;
  /** The script passed with `-c`. */
  readonly script: string;
}

/**
 * For `[env [VAR=x]...] [busybox] <shell> [opts] -c <script>` (any path to a shell, clustered flags
 * like `-ec`), the shell and script; undefined for anything else (exec form, `sh script.sh`).
 */
export function shellForm(argv: readonly string[]): ShellForm | undefined {
  let i = 0;
  if (basename(argv[0] ?? "") === "env") {
    i++;
    while (i < argv.length && (/^-/.test(argv[i] ?? "") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i] ?? ""))) i++;
  }
  if (basename(argv[i] ?? "") === "busybox") i++;
  const shell = argv[i];
  if (shell === undefined || !shells.has(basename(shell))) return undefined;
  for (let j = i + 1; j < argv.length; j++) {
    const a = argv[j] ?? "";
    if (a === "-o" || a === "+o" || a === "-O" || a === "+O") {
      j++; // takes an argument, e.g. -o pipefail
      continue;
    }
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(a)) return { shell, script: argv[j + 1] ?? "" };
    if (!a.startsWith("-") && !a.startsWith("+")) return undefined;
  }
  return undefined;
}

/**
 * The seeds' PID 1 pitfall: in `sh -c "app"` the shell is PID 1 and does not forward SIGTERM, so
 * the app is SIGKILLed after the grace period. A script that `exec`s the app hands PID 1 over.
 * Returns why the argv is unsafe, or undefined.
 */
export function shellFormProblem(
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
): { field: "command" | "args"; argv: string[]; message: string } | undefined {
  const { argv, field } = effectiveArgv(command, args);
  const form = shellForm(argv);
  if (!form || /^\s*exec\s+\S/.test(form.script)) return undefined;
  return {
    field,
    argv,
    message: `expected the exec form (["/app", "--flag"]) or a script starting with 'exec ': with '${form.shell} -c' the shell is PID 1 and does not forward SIGTERM, so the app is killed after the grace period`,
  };
}

// ---- image references ---------------------------------------------------------------------------------

export interface ImageReference {
  /** Registry host[:port], when the reference names one (else Docker Hub). */
  readonly domain?: string;
  /** Repository path below the domain, e.g. `library/nginx` or `p/r/app`. */
  readonly path: string;
  /** Everything before the tag and digest: `domain/path`, as written. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` */
  readonly digest?: string;
}

// The grammar of distribution/reference (what container runtimes accept).
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainPattern = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const sha256Pattern = /^sha256:[0-9a-f]{64}$/;

/** Parses an image reference; returns why it is not one instead of throwing. */
export function parseImageReference(ref: string): { ok: true; value: ImageReference } | { ok: false; reason: string } {
  if (ref.length === 0) return { ok: false, reason: "it is empty" };
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!sha256Pattern.test(digest))
      return { ok: false, reason: `'${digest}' after '@' is not a digest 'sha256:' followed by 64 lower-case hex digits` };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag))
      return { ok: false, reason: `the tag '${tag}' must be 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'` };
  }
  if (rest.length > 255) return { ok: false, reason: `the repository name is ${rest.length} characters, at most 255 are allowed` };
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  // As the runtimes decide: the first component is a registry when it has a '.' or ':', is localhost, or has upper case.
  const hasDomain =
    parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  const domain = hasDomain ? first : undefined;
  if (domain !== undefined && !domainPattern.test(domain)) return { ok: false, reason: `'${domain}' is not a registry host[:port]` };
  const pathParts = hasDomain ? parts.slice(1) : parts;
  const bad = pathParts.find((p) => !pathComponent.test(p));
  if (bad !== undefined)
    return { ok: false, reason: `the path component '${bad}' must be lower-case letters and digits, separated by '.', '_', '__' or '-'` };
  return {
    ok: true,
    value: {
      ...(domain !== undefined ? { domain } : {}),
      path: pathParts.join("/"),
      repository: rest,
      ...(tag !== undefined ? { tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
    },
  };
}

/** Why a reference cannot be deployed by this program (not pinned by a sha256 digest), or undefined. */
export function pinnedImageProblem(ref: string): string | undefined {
  const parsed = parseImageReference(ref);
  if (!parsed.ok) return `not an image reference: ${parsed.reason}`;
  if (parsed.value.digest === undefined) return "not pinned by digest: a tag is mutable, so the same config could deploy different code";
  return undefined;
}

// ---- Kubernetes quantities ----------------------------------------------------------------------------

const quantitySuffixes: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes resource quantity ("100m" -> 0.1, "1Gi" -> 2^30), or undefined when it is not one. */
export function parseQuantity(q: string): number | undefined {
  const m = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q);
  if (!m) return undefined;
  const value = Number(`${m[1]}${m[2]}${m[3] ?? ""}`);
  return value * (quantitySuffixes[m[4] ?? ""] ?? 1);
}

// ---- URLs -------------------------------------------------------------------------------------------------

/** Why a URL is not an absolute http(s) URL with a host, or undefined. */
export function httpUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not an absolute URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return `the scheme is '${parsed.protocol.replace(/:$/, "")}', expected http or https`;
  if (parsed.hostname === "") return "it names no host";
  return undefined;
}
