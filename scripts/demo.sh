#!/usr/bin/env bash
# The README's main job, from a fresh clone: install, build (or reuse) the Pulumi engine and the
# control plane, start the control plane, then the real `pulumi up --stack local` deploys the local
# stack and rolls it to a new version while the demo shows progress.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/@pulumi/pulumi ] || npm ci --no-audit --no-fund --loglevel=error
bash engine/build.sh
bash cluster/build.sh
bash cluster/up.sh
npx ts-node --transpile-only scripts/demo.ts
