#!/usr/bin/env bash
# Build (or reuse) the local control-plane binaries:
#   kube-apiserver, kube-controller-manager, kube-scheduler  (k8s.io/kubernetes v1.34.4)
#   etcd                                                     (go.etcd.io/etcd/server/v3 v3.6.8)
#   kwok                                                     (sigs.k8s.io/kwok v0.8.0)
# and download the Gateway API module (CRD YAMLs) into the Go module cache.
#
# Binaries go to $ROLLOUT_CACHE/k8s-v1.34.4-etcd-v3.6.8-kwok-v0.8.0/bin
# (ROLLOUT_CACHE defaults to ~/.cache/rollout). Go's own caches (GOMODCACHE,
# GOCACHE) are used as configured. Idempotent: binaries that exist and report
# the expected version are reused.
#
# Usage: cluster/build.sh [--force]     (--force rebuilds everything)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
source "${SCRIPT_DIR}/versions.sh"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

die() { echo "build.sh: ERROR: $*" >&2; exit 1; }
log() { echo "build.sh: $*"; }

command -v go >/dev/null 2>&1 || die "'go' not found on PATH (need Go >= ${GO_MIN})"
GOV="$(go env GOVERSION 2>/dev/null || true)"
ver_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
ver_ge "${GOV#go}" "${GO_MIN}" || die "Go ${GOV#go} is too old; kwok ${KWOK_VERSION} needs Go >= ${GO_MIN}"

mkdir -p "${ROLLOUT_BIN}"
# Serialise concurrent builds (several worktrees may share the cache).
exec 9>"${ROLLOUT_TOOLS_DIR}/.build.lock"
if ! flock -n 9; then
  log "another build holds ${ROLLOUT_TOOLS_DIR}/.build.lock; waiting ..."
  flock 9
fi

START=$(date +%s)
export GOWORK=off GOFLAGS="-mod=readonly -trimpath -buildvcs=false" CGO_ENABLED=0

# check_bin NAME -> 0 when $ROLLOUT_BIN/NAME exists and reports the expected version
check_bin() {
  local name="$1" bin="${ROLLOUT_BIN}/$1" out
  [ -x "$bin" ] || return 1
  case "$name" in
    kube-apiserver|kube-controller-manager|kube-scheduler)
      out="$("$bin" --version 2>/dev/null)" || return 1
      [ "$out" = "Kubernetes ${K8S_VERSION}" ] ;;
    etcd)
      out="$("$bin" --version 2>/dev/null)" || return 1
      grep -qx "etcd Version: ${ETCD_VERSION#v}" <<<"$out" ;;
    kwok)
      out="$("$bin" --version 2>/dev/null)" || return 1
      grep -q "${KWOK_VERSION}" <<<"$out" ;;
    *) return 1 ;;
  esac
}

REUSED=() BUILT=()
need() { # need NAME... -> 0 if any of them must be (re)built
  local n rc=1
  for n in "$@"; do
    if [ "$FORCE" = 1 ] || ! check_bin "$n"; then rc=0; fi
  done
  return $rc
}

# build_into MODULE_DIR NAMES... -- GO_BUILD_ARGS...
# Builds into a temp dir, verifies, then moves binaries into place atomically.
build_into() {
  local moddir="$1"; shift
  local names=() tmp t0 n
  while [ "$1" != "--" ]; do names+=("$1"); shift; done; shift
  tmp="$(mktemp -d "${ROLLOUT_TOOLS_DIR}/.build.XXXXXX")"
  t0=$(date +%s)
  log "building ${names[*]} (this can take several minutes on a cold cache) ..."
  if ! (cd "${SCRIPT_DIR}/toolchain/${moddir}" && go build -o "$tmp/" "$@"); then
    rm -rf "$tmp"; die "go build failed for ${names[*]} (module cluster/toolchain/${moddir})"
  fi
  for n in "${names[@]}"; do
    [ -x "$tmp/$n" ] || { rm -rf "$tmp"; die "expected binary $n was not produced"; }
    mv -f "$tmp/$n" "${ROLLOUT_BIN}/$n"
    check_bin "$n" || die "$n built but does not report the expected version: $("${ROLLOUT_BIN}/$n" --version 2>&1 | head -n2)"
    BUILT+=("$n")
  done
  rm -rf "$tmp"
  log "built ${names[*]} in $(( $(date +%s) - t0 ))s"
}

# --- kubernetes -------------------------------------------------------------
K8S_BINS=(kube-apiserver kube-controller-manager kube-scheduler)
if need "${K8S_BINS[@]}"; then
  BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  K8S_MAJOR="${K8S_VERSION#v}"; K8S_MAJOR="${K8S_MAJOR%%.*}"
  K8S_MINOR="${K8S_VERSION#v*.}"; K8S_MINOR="${K8S_MINOR%%.*}"
  LD="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LD+=" -X ${p}.gitVersion=${K8S_VERSION} -X ${p}.gitMajor=${K8S_MAJOR} -X ${p}.gitMinor=${K8S_MINOR}"
    LD+=" -X ${p}.gitTreeState=clean -X ${p}.buildDate=${BUILD_DATE}"
  done
  # One invocation for all three so compile work is shared.
  build_into kubernetes "${K8S_BINS[@]}" -- -ldflags "$LD" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler
else
  REUSED+=("${K8S_BINS[@]}")
fi

# --- etcd -------------------------------------------------------------------
if need etcd; then
  # The module root is the etcd main package; go build names it "v3", so
  # build to an explicit file name via a temp dir rename.
  tmp="$(mktemp -d "${ROLLOUT_TOOLS_DIR}/.build.XXXXXX")"; t0=$(date +%s)
  log "building etcd ..."
  (cd "${SCRIPT_DIR}/toolchain/etcd" && go build -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3) \
    || { rm -rf "$tmp"; die "go build failed for etcd (module cluster/toolchain/etcd)"; }
  mv -f "$tmp/etcd" "${ROLLOUT_BIN}/etcd"; rm -rf "$tmp"
  check_bin etcd || die "etcd built but reports: $("${ROLLOUT_BIN}/etcd" --version 2>&1 | head -n1)"
  BUILT+=(etcd); log "built etcd in $(( $(date +%s) - t0 ))s"
else
  REUSED+=(etcd)
fi

# --- kwok -------------------------------------------------------------------
if need kwok; then
  build_into kwok kwok -- \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}" \
    sigs.k8s.io/kwok/cmd/kwok
else
  REUSED+=(kwok)
fi

# --- Gateway API CRDs (module download only; used by up.sh) -----------------
GW_DIR="$(cd "${SCRIPT_DIR}/toolchain/kwok" && go mod download -json "sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION}" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" || true
[ -n "$GW_DIR" ] && [ -d "$GW_DIR/config/crd/standard" ] \
  || die "could not download sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION} (need config/crd/standard)"
printf '%s\n' "$GW_DIR/config/crd/standard" > "${ROLLOUT_TOOLS_DIR}/gateway-api-crds.path"

ELAPSED=$(( $(date +%s) - START ))
log "done in ${ELAPSED}s; bin dir: ${ROLLOUT_BIN}"
[ ${#REUSED[@]} -gt 0 ] && log "reused: ${REUSED[*]}"
[ ${#BUILT[@]} -gt 0 ] && log "built:  ${BUILT[*]}"
log "gateway-api ${GATEWAY_API_VERSION} CRDs: $GW_DIR/config/crd/standard"
exit 0
