#!/usr/bin/env bash
# Smoke run of a started okeydokey (the image CI is about to push, or the binary in
# smoke_test.go): waits until /ready answers 200, then checks that / answers 200 "OK"
# and that /version names the commit the image was built from. Used unchanged by
# .github/workflows/deploy-staging.yml and cloudbuild/staging.yaml, so the check the
# test command proves is the check the pipelines run.
#
#   app/smoke.sh BASE_URL EXPECTED_COMMIT
#   SMOKE_TIMEOUT (seconds to wait for /ready, default 30)
#
# Exits 0 when every check passes; otherwise prints one "smoke: FAIL ..." line per
# failed check to stderr and exits 1 (2 on bad usage). Needs bash and curl only.
set -uo pipefail

if [[ $# -ne 2 || -z "$1" || -z "$2" ]]; then
  echo "usage: $0 BASE_URL EXPECTED_COMMIT" >&2
  exit 2
fi
base="${1%/}"
commit="$2"
timeout="${SMOKE_TIMEOUT:-30}"
if ! [[ "$timeout" =~ ^[0-9]+$ ]] || ((timeout < 1)); then
  echo "smoke: SMOKE_TIMEOUT=$timeout: want a whole number of seconds >= 1" >&2
  exit 2
fi

# get PATH: sets code and body; code 000 when nothing answers.
get() {
  local out
  out="$(curl --silent --show-error --max-time 2 --noproxy '*' --write-out '\n%{http_code}' "$base$1" 2>/dev/null)" || out=$'\n000'
  code="${out##*$'\n'}"
  body="${out%$'\n'*}"
}

deadline=$((SECONDS + timeout))
while :; do
  get /ready
  [[ "$code" == 200 ]] && break
  if ((SECONDS >= deadline)); then
    echo "smoke: FAIL /ready: expected 200 within ${timeout}s, last answer ${code} ${body}" >&2
    exit 1
  fi
  sleep 1
done

failed=0
get /
if [[ "$code" != 200 || "$body" != "OK" ]]; then
  echo "smoke: FAIL /: expected 200 \"OK\", got ${code} \"${body}\"" >&2
  failed=1
fi
get /version
if [[ "$code" != 200 || "$body" != *"\"commit\":\"${commit}\""* ]]; then
  echo "smoke: FAIL /version: expected 200 with \"commit\":\"${commit}\", got ${code} ${body}" >&2
  failed=1
fi
((failed == 0)) || exit 1
echo "smoke: ok ${base} (/ready 200, / OK, /version commit ${commit})"
