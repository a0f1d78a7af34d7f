#!/usr/bin/env bash
# Mutation testing (Stryker with its mocha runner). Slow: not part of scripts/test.sh.
#   bash scripts/mutation.sh                 # config/ and lib/ (stryker.config.json's "mutate")
#   bash scripts/mutation.sh strategies workloads   # other folders of the program
#   bash scripts/mutation.sh components      # components/, with the mock-runtime suites (stryker.components.mjs)
#   bash scripts/mutation.sh policy          # the policy pack, with its own tests
# Prints Stryker's per-file table and the score per directory (reports/mutation/*.json).
set -euo pipefail
cd "$(dirname "$0")/.."
# Stryker's own toolchain (mutation/package.json): its mocha runner cannot load the project's mocha 12.
[ -x mutation/node_modules/.bin/stryker ] || npm ci --prefix mutation --no-audit --no-fund
stryker="$PWD/mutation/node_modules/.bin/stryker"
export TS_NODE_TRANSPILE_ONLY=true   # Stryker's instrumented sources do not type-check
export FC_NUM_RUNS="${FC_NUM_RUNS:-40}" FC_SEED="${FC_SEED:-42}"   # property tests: fewer, fixed inputs per mutant

per_directory() {
  node -e '
    const r = require(process.argv[1]); const dirs = {};
    for (const [file, f] of Object.entries(r.files)) {
      const d = (dirs[file.split("/").slice(0, -1).join("/") || "."] ??= { killed: 0, survived: 0, timeout: 0, nocov: 0 });
      for (const m of f.mutants) {
        if (m.status === "Killed") d.killed++; else if (m.status === "Timeout") d.timeout++;
        else if (m.status === "Survived") d.survived++; else if (m.status === "NoCoverage") d.nocov++;
      }
    }
    for (const [d, c] of Object.entries(dirs)) {
      const detected = c.killed + c.timeout, total = detected + c.survived + c.nocov;
      console.log(`mutation score ${d}: ${(100 * detected / Math.max(1, total)).toFixed(1)}% (${detected}/${total}; survived ${c.survived}, no coverage ${c.nocov})`);
    }' "$1"
}

if [ "${1:-}" = "policy" ]; then
  (cd policy && nice -n 10 "$stryker" run stryker.config.json)
  per_directory "$PWD/policy/reports/mutation/mutation.json"
  exit 0
fi
if [ "${1:-}" = "components" ]; then
  [ $# -eq 1 ] || { echo "components runs alone (its tests are the mock-runtime suites)" >&2; exit 2; }
  nice -n 10 "$stryker" run stryker.components.mjs
  per_directory "$PWD/reports/mutation/components.json"
  exit 0
fi
args=()
if [ $# -gt 0 ]; then
  globs=$(printf '%s/**/*.ts,' "$@"); args=(--mutate "${globs%,}")
fi
nice -n 10 "$stryker" run stryker.config.json "${args[@]}"
per_directory "$PWD/reports/mutation/mutation.json"
