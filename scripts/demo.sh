#!/usr/bin/env bash
# The README's main job, from a fresh clone: install, build (or reuse) the control plane, start it,
# deploy the local stack and roll it to a new version while showing progress.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/@pulumi/pulumi ] || npm ci --no-audit --no-fund --loglevel=error
bash cluster/build.sh
bash cluster/up.sh
npx ts-node --transpile-only scripts/demo.ts
