#!/usr/bin/env bash
# Build (or reuse) the Pulumi engine this project runs on, from the Go module proxy alone:
#   pulumi                      the CLI, github.com/pulumi/pulumi/pkg/v3 v3.259.0
#   pulumi-resource-kubernetes  the Kubernetes provider, github.com/pulumi/pulumi-kubernetes v4.25.0
# plus two shims the SDK needs beside the CLI, since the Node language host is not on the proxy
# (the Automation API hosts the language runtime in the Node process instead):
#   pulumi-resource-pulumi-nodejs   dynamic providers (the rollout gates)
#   pulumi-analyzer-policy-nodejs   policy packs (`--policy-pack`)
# Then installs the provider and the analyzer into a project-owned PULUMI_HOME.
#
# Binaries go to $ROLLOUT_CACHE/engine-pulumi-v3.259.0-kubernetes-4.25.0/bin (ROLLOUT_CACHE
# defaults to ~/.cache/rollout; Go's own caches as configured). Idempotent: binaries that exist
# and report the expected version are reused.
#
# Usage: engine/build.sh [--force]     (--force rebuilds everything)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
source "${SCRIPT_DIR}/versions.sh"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "engine/build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

die() { echo "engine/build.sh: ERROR: $*" >&2; exit 1; }
log() { echo "engine/build.sh: $*"; }

command -v go >/dev/null 2>&1 || die "'go' not found on PATH (need Go >= ${GO_MIN})"
command -v node >/dev/null 2>&1 || die "'node' not found on PATH"
mkdir -p "${ROLLOUT_ENGINE_BIN}" "${ROLLOUT_ENGINE_PROVIDER}" "${ROLLOUT_PULUMI_HOME}"
exec 9>"${ROLLOUT_ENGINE_DIR}/.build.lock"
if ! flock -n 9; then log "another build holds the lock; waiting ..."; flock 9; fi

START=$(date +%s)
export GOWORK=off GOFLAGS="-mod=readonly -trimpath -buildvcs=false" CGO_ENABLED=0
REUSED=() BUILT=()

cli_ok() { [ -x "${ROLLOUT_ENGINE_BIN}/pulumi" ] && [ "$("${ROLLOUT_ENGINE_BIN}/pulumi" version 2>/dev/null)" = "${PULUMI_VERSION}" ]; }
# A provider has no version flag, and -trimpath keeps -ldflags out of its build info: its build info
# names the module it was built from, and a stamp written after a good build names the version.
provider_ok() {
  local bin="${ROLLOUT_ENGINE_PROVIDER}/pulumi-resource-kubernetes"
  [ -x "$bin" ] && [ "$(cat "${ROLLOUT_ENGINE_DIR}/kubernetes-provider.version" 2>/dev/null)" = "${K8S_PROVIDER_VERSION}" ] &&
    go version -m "$bin" 2>/dev/null | grep -Eq "github.com/pulumi/pulumi-kubernetes/provider/v4[[:space:]]+${K8S_PROVIDER_MODULE_VERSION}"
}

# build MODULE_DIR OUTPUT_DIR OUTPUT_NAME CHECK -- GO_BUILD_ARGS...: build into a temp file, check, move into place.
build() {
  local moddir="$1" out="$2" name="$3" check="$4"; shift 5
  local tmp t0; tmp="$(mktemp -d "${ROLLOUT_ENGINE_DIR}/.build.XXXXXX")"; t0=$(date +%s)
  log "building ${name} (several minutes on a cold cache) ..."
  (cd "${SCRIPT_DIR}/toolchain/${moddir}" && go build -o "$tmp/$name" "$@") || { rm -rf "$tmp"; die "go build failed for ${name} (engine/toolchain/${moddir})"; }
  mv -f "$tmp/$name" "$out/$name"; rm -rf "$tmp"
  "$check" || die "${name} built but does not report version ${K8S_PROVIDER_VERSION}/${PULUMI_VERSION}"
  BUILT+=("$name"); log "built ${name} in $(( $(date +%s) - t0 ))s"
}

# --- the CLI ------------------------------------------------------------------
if [ "$FORCE" = 1 ] || ! cli_ok; then
  build pulumi "${ROLLOUT_ENGINE_BIN}" pulumi cli_ok -- -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_VERSION}" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
else
  REUSED+=(pulumi)
fi

# --- the Kubernetes provider ----------------------------------------------------
if [ "$FORCE" = 1 ] || ! provider_ok; then
  # `go list -m` prints an empty Dir (and exits 0) for a module not yet in the module cache: download it first.
  (cd "${SCRIPT_DIR}/toolchain/kubernetes-provider" && go mod download github.com/pulumi/pulumi-kubernetes/provider/v4) ||
    die "go mod download of the provider module failed"
  PROV_DIR="$(cd "${SCRIPT_DIR}/toolchain/kubernetes-provider" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
  [ -d "$PROV_DIR/cmd/pulumi-resource-kubernetes" ] || die "provider module not in the module cache: $PROV_DIR"
  # The module zip lacks the generated embed files its main package needs: prepare them.
  (cd "${SCRIPT_DIR}/toolchain/kubernetes-provider" && go run prepare.go "$PROV_DIR" "${K8S_PROVIDER_VERSION}") || die "preparing the provider's main package failed"
  rm -f "${ROLLOUT_ENGINE_DIR}/kubernetes-provider.version"
  stamp() { echo "${K8S_PROVIDER_VERSION}" > "${ROLLOUT_ENGINE_DIR}/kubernetes-provider.version"; provider_ok; }
  build kubernetes-provider "${ROLLOUT_ENGINE_PROVIDER}" pulumi-resource-kubernetes stamp -- \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${K8S_PROVIDER_VERSION}" \
    ./cmd/pulumi-resource-kubernetes
else
  REUSED+=(pulumi-resource-kubernetes)
fi

# --- shims for the Node SDK's plugins ---------------------------------------------
# They run the SDK that the program's own node_modules holds: ROLLOUT_PROJECT_DIR (set by
# tools/engine.ts) or the working directory. Rewritten every time; they are two lines.
write_shim() { # DIR NAME SDK_ENTRY
  local dir="$1"; shift
  cat > "$dir/$1" <<SHIM
#!/bin/sh
# Written by engine/build.sh: runs the Node SDK's $2 from the program's node_modules.
exec node "\${ROLLOUT_PROJECT_DIR:-.}/node_modules/@pulumi/pulumi/cmd/$2" "\$@"
SHIM
  chmod 0755 "$dir/$1"
}
# The CLI looks up the dynamic provider beside itself; the analyzer is installed as a plugin.
write_shim "${ROLLOUT_ENGINE_BIN}" pulumi-resource-pulumi-nodejs dynamic-provider
write_shim "${ROLLOUT_ENGINE_PROVIDER}" pulumi-analyzer-policy-nodejs run-policy-pack
rm -f "${ROLLOUT_ENGINE_BIN}/pulumi-analyzer-policy-nodejs"

# --- plugins into the project's PULUMI_HOME -----------------------------------------
export PULUMI_HOME="${ROLLOUT_PULUMI_HOME}" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
installed="$("${ROLLOUT_ENGINE_BIN}/pulumi" plugin ls --json 2>/dev/null || echo '[]')"
plugin_installed() { # KIND NAME VERSION
  node -e 'const [k,n,v]=process.argv.slice(1);const l=JSON.parse(require("fs").readFileSync(0,"utf8"));process.exit(l.some(p=>p.kind===k&&p.name===n&&p.version===v)?0:1)' "$1" "$2" "$3" <<<"$installed"
}
if [ "${#BUILT[@]}" -gt 0 ] || ! plugin_installed resource kubernetes "${K8S_PROVIDER_VERSION}"; then
  "${ROLLOUT_ENGINE_BIN}/pulumi" plugin install resource kubernetes "${K8S_PROVIDER_VERSION}" --file "${ROLLOUT_ENGINE_PROVIDER}/pulumi-resource-kubernetes" --reinstall >/dev/null \
    || die "pulumi plugin install resource kubernetes ${K8S_PROVIDER_VERSION} failed"
  log "installed plugin resource kubernetes ${K8S_PROVIDER_VERSION} into ${PULUMI_HOME}"
fi
ANALYZER_VERSION="${PULUMI_VERSION#v}"
if ! plugin_installed analyzer policy-nodejs "${ANALYZER_VERSION}"; then
  "${ROLLOUT_ENGINE_BIN}/pulumi" plugin install analyzer policy-nodejs "${ANALYZER_VERSION}" --file "${ROLLOUT_ENGINE_PROVIDER}/pulumi-analyzer-policy-nodejs" --reinstall >/dev/null \
    || die "pulumi plugin install analyzer policy-nodejs failed"
  log "installed plugin analyzer policy-nodejs ${ANALYZER_VERSION} into ${PULUMI_HOME}"
fi

log "done in $(( $(date +%s) - START ))s; bin dir: ${ROLLOUT_ENGINE_BIN}; PULUMI_HOME: ${ROLLOUT_PULUMI_HOME}"
[ ${#REUSED[@]} -gt 0 ] && log "reused: ${REUSED[*]}"
[ ${#BUILT[@]} -gt 0 ] && log "built:  ${BUILT[*]}"
exit 0
