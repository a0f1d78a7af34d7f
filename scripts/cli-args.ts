/** `--stack staging --out dir` -> { stack: "staging", out: "dir" }; names the flag when one lacks a value. */
export function parseFlags(argv: string[], allowed: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument '${a}'; expected ${allowed.map((f) => `--${f}`).join(", ")}`);
    const [key, inline] = a.slice(2).split("=", 2);
    if (!allowed.includes(key)) throw new Error(`unknown flag --${key}; expected ${allowed.map((f) => `--${f}`).join(", ")}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${key} needs a value`);
    flags[key] = value;
  }
  return flags;
}
