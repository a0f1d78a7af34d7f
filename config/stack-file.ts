// Reads a `Pulumi.<stack>.yaml` file into the raw config map parseStackConfig takes. A file that is
// not valid YAML (a duplicated key, bad indentation) is a ConfigError naming the file, line and
// column of every error, never a stack trace.
import * as fs from "fs";
import { parseDocument } from "yaml";
import { ConfigError } from "./load";

/** Parses the text of a stack file; `file` is only used in messages. */
export function parseStackFile(text: string, file: string): Record<string, unknown> {
  // prettyErrors gives each error its line and column (linePos); without it they name no position.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
        // The first line of the parser's message says what is wrong, in words; the rest is a code excerpt.
        const what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        return `${where}: expected valid YAML: ${what}`;
      }),
    );
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new ConfigError([
      `${file}: expected a YAML mapping with a 'config' key, got ${Array.isArray(value) ? "a list" : JSON.stringify(value)}`,
    ]);
  const config = (value as Record<string, unknown>).config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config))
    throw new ConfigError([
      `${file}: expected 'config' to be a mapping of keys such as 'rollout:apps', got ${Array.isArray(config) ? "a list" : JSON.stringify(config)}`,
    ]);
  return config as Record<string, unknown>;
}

/** Reads and parses a stack file; a missing file is a ConfigError too. */
export function readStackFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError([`${file}: expected a readable stack config file (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`]);
  }
  return parseStackFile(text, file);
}
