// A `kubectl` on PATH that records each call and answers from a script, so the dynamic providers'
// create/diff/update run in a unit test exactly as the engine calls them, without a cluster.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** One scripted answer: the first unused answer whose `match` occurs in the joined arguments is given. */
export interface KubectlAnswer {
  readonly match: string;
  readonly stdout?: string;
  readonly stderr?: string;
  /** Exit status. @default 0 */
  readonly exit?: number;
  /** Used once, then the next matching answer is given. @default false (answers every match) */
  readonly once?: boolean;
}

export interface FakeKubectl {
  /** The argument lists of every call, in order. */
  calls(): string[][];
  restore(): void;
}

const script = `#!/usr/bin/env node
const fs = require("fs"), path = require("path");
const dir = path.dirname(process.argv[1]);
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify(args) + "\\n");
const answers = JSON.parse(fs.readFileSync(path.join(dir, "answers.json"), "utf8"));
const usedFile = path.join(dir, "used.json");
const used = fs.existsSync(usedFile) ? JSON.parse(fs.readFileSync(usedFile, "utf8")) : [];
const i = answers.findIndex((a, j) => args.join(" ").includes(a.match) && !used.includes(j));
if (i < 0) { process.stderr.write("fake kubectl: no answer for " + args.join(" ")); process.exit(97); }
const a = answers[i];
if (a.once) fs.writeFileSync(usedFile, JSON.stringify([...used, i]));
process.stdout.write(a.stdout || "");
process.stderr.write(a.stderr || "");
process.exit(a.exit || 0);
`;

/** Puts a scripted `kubectl` first on PATH until `restore()`. */
export function fakeKubectl(answers: readonly KubectlAnswer[]): FakeKubectl {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-fake-kubectl-"));
  fs.writeFileSync(path.join(dir, "kubectl"), script, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "answers.json"), JSON.stringify(answers));
  const oldPath = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${oldPath ?? ""}`;
  return {
    calls: () => {
      const file = path.join(dir, "calls.jsonl");
      if (!fs.existsSync(file)) return [];
      return fs
        .readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as string[]);
    },
    restore: () => {
      process.env.PATH = oldPath;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
