#!/usr/bin/env bash
# Installs actionlint (the GitHub Actions workflow linter) from source through the
# Go module proxy, into ${ROLLOUT_CACHE:-$HOME/.cache/rollout}/bin/actionlint, and
# prints that path as the last line of stdout. Everything else goes to stderr.
#
# Idempotent: an existing binary reporting the pinned version is reused as is.
# Needs only `go` and the Go module proxy (GOPROXY as configured); it fails loudly
# when either is missing, never falling back to a download of a prebuilt binary.
#
# Bump ACTIONLINT_VERSION after checking `go list -m -versions github.com/rhysd/actionlint`.
set -euo pipefail

readonly ACTIONLINT_MODULE="github.com/rhysd/actionlint"
readonly ACTIONLINT_VERSION="v1.7.12"

cache_dir="${ROLLOUT_CACHE:-${HOME:?HOME is not set}/.cache/rollout}"
bin_dir="${cache_dir}/bin"
bin="${bin_dir}/actionlint"

fail() {
  echo "install-actionlint: error: $*" >&2
  exit 1
}

installed_version() {
  # `actionlint -version` prints the version on its first line, e.g. "v1.7.12".
  "$1" -version 2>/dev/null | head -n 1 || true
}

if [[ -x "${bin}" ]] && [[ "$(installed_version "${bin}")" == "${ACTIONLINT_VERSION}" ]]; then
  echo "install-actionlint: reusing ${bin} (${ACTIONLINT_VERSION})" >&2
  echo "${bin}"
  exit 0
fi

command -v go >/dev/null 2>&1 ||
  fail "go is not on PATH; actionlint ${ACTIONLINT_VERSION} is built from source with 'go install' (Go >= 1.25)"

mkdir -p "${bin_dir}"
# Build into a private directory, then move into place, so that concurrent runs
# never see a half-written binary.
staging="$(mktemp -d "${bin_dir}/.actionlint.XXXXXX")"
trap 'rm -rf "${staging}"' EXIT

echo "install-actionlint: installing ${ACTIONLINT_MODULE}/cmd/actionlint@${ACTIONLINT_VERSION} with $(go version) (GOPROXY=$(go env GOPROXY))" >&2
# Run outside any module or workspace of the caller: `go install pkg@version`
# must resolve actionlint's own go.mod, nothing else.
if ! (cd "${staging}" && GOBIN="${staging}" GOWORK=off \
  go install "${ACTIONLINT_MODULE}/cmd/actionlint@${ACTIONLINT_VERSION}" >&2); then
  fail "'go install ${ACTIONLINT_MODULE}/cmd/actionlint@${ACTIONLINT_VERSION}' failed; is the Go module proxy reachable and does it hold that version? (go list -m -versions ${ACTIONLINT_MODULE})"
fi

[[ -x "${staging}/actionlint" ]] || fail "go install reported success but ${staging}/actionlint is missing"
got="$(installed_version "${staging}/actionlint")"
[[ "${got}" == "${ACTIONLINT_VERSION}" ]] ||
  fail "built actionlint reports version '${got}', expected ${ACTIONLINT_VERSION}"

mv -f "${staging}/actionlint" "${bin}"
echo "install-actionlint: installed ${bin} (${ACTIONLINT_VERSION})" >&2
echo "${bin}"
