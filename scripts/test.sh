#!/usr/bin/env bash
# The README's test command: sets up everything from a fresh clone and runs every suite.
#   typecheck, ESLint + Prettier, unit (mocha + Pulumi mocks, OpenAPI schema checks, property and
#   parity tests, workflow lint), the policy pack, the sample
#   app (go test), then e2e: the real Pulumi engine (CLI + kubernetes provider) and a real control
#   plane, both built from the Go module proxy (cached under ~/.cache/rollout, rebuilt when
#   missing), every step a real `pulumi up`. Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp -d)"
passed=0 failed=0 status=0

run() { # name, command...: runs a suite, tees its output, adds its counts
  local name="$1"; shift
  echo "==> $name"
  "$@" 2>&1 | tee "$log/$name.out"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo '^ *[0-9]+ passing' "$log/$name.out" | awk '{s+=$1} END {print s+0}')
  f=$(grep -Eo '^ *[0-9]+ failing' "$log/$name.out" | awk '{s+=$1} END {print s+0}')
  if [ "$name" = app ]; then
    p=$(grep -Ec '^\s*--- PASS' "$log/$name.out"); f=$(grep -Ec '^\s*--- FAIL' "$log/$name.out")
  fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ]; then echo "!! $name failed (exit $rc)"; status=1; [ "$f" -eq 0 ] && failed=$((failed + 1)); fi
}

setup() {
  npm ci --no-audit --no-fund --loglevel=error &&
  (cd policy && npm ci --no-audit --no-fund --loglevel=error) &&
  bash scripts/install-actionlint.sh >/dev/null
}
echo "==> setup (npm ci, policy npm ci, actionlint)"
setup || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

run typecheck bash -c 'npx tsc --noEmit -p . && (cd policy && npx tsc --noEmit -p .) && echo "typecheck ok"'
run lint bash -c 'npm run -s lint && npm run -s format:check && echo "lint and format ok"'
run unit npx mocha
run policy bash -c 'cd policy && npm test --silent'
run app bash -c 'cd app && go vet ./... && go test -count=1 -v ./...'

echo "==> Pulumi engine (engine/build.sh) and control plane (cluster/build.sh) toolchains"
if bash engine/build.sh && bash cluster/build.sh; then
  run e2e npx mocha --config test/e2e/.mocharc.json
  echo "e2e: real pulumi up (engine/build.sh's CLI and kubernetes provider) on a real control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok)"
else
  echo "!! e2e did NOT run: a toolchain failed to build"
  status=1; failed=$((failed + 1))
fi
echo
echo "tests: $passed passed, $failed failed"
exit $status
