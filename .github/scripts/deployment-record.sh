#!/usr/bin/env bash
# Deployment records: every staging and production `pulumi up` is a GitHub
# deployment (task "deploy:rollout") carrying the image and the rollout plan,
# with a status for its outcome; release-production.yml reads them back to know
# what staging runs before anyone approves a release.
#
#   deployment-record.sh start ENVIRONMENT IMAGE_REF PLAN_FILE
#       creates the deployment for GITHUB_SHA, marks it in_progress, writes
#       id=<deployment id> to GITHUB_OUTPUT
#   deployment-record.sh finish DEPLOYMENT_ID OUTCOME
#       OUTCOME is a step outcome: success -> success, failure -> failure,
#       cancelled|skipped -> error
#   deployment-record.sh verify ENVIRONMENT
#       exits 0 when the latest rollout record of ENVIRONMENT is GITHUB_SHA and
#       succeeded; otherwise prints why (naming RELEASE_TAG) and exits 1
#
# Needs gh (GH_TOKEN) and jq; GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_SERVER_URL
# and GITHUB_RUN_ID as set by the runner.
set -euo pipefail

readonly TASK="deploy:rollout"

fail() {
  echo "::error title=deployment record::$*"
  exit 1
}

run_url() { echo "${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID:-0}"; }

status() { # id state description
  jq -n --arg state "$2" --arg description "$3" --arg log_url "$(run_url)" \
    '{state: $state, description: $description, log_url: $log_url, auto_inactive: ($state == "success")}' |
    gh api --method POST "repos/${GITHUB_REPOSITORY}/deployments/$1/statuses" --input - >/dev/null
}

case "${1:-}" in
  start)
    [[ $# -eq 4 ]] || fail "usage: $0 start ENVIRONMENT IMAGE_REF PLAN_FILE"
    environment="$2" image="$3" plan_file="$4"
    [[ -r "$plan_file" ]] || fail "rollout plan $plan_file is not readable"
    body="$(jq -n --arg ref "$GITHUB_SHA" --arg environment "$environment" --arg task "$TASK" \
      --arg image "$image" --rawfile plan "$plan_file" --arg run "$(run_url)" \
      '{ref: $ref, environment: $environment, task: $task, auto_merge: false, required_contexts: [],
        production_environment: ($environment == "production"), transient_environment: false,
        description: ("pulumi up " + $environment + ": " + ($image | split("@") | last | .[0:19])),
        payload: {image: $image, commit: $ref, run: $run, plan: $plan}}')"
    id="$(gh api --method POST "repos/${GITHUB_REPOSITORY}/deployments" --input - --jq '.id' <<<"$body")"
    [[ "$id" =~ ^[0-9]+$ ]] || fail "GitHub did not create a deployment for $environment (answer: $id)"
    status "$id" in_progress "pulumi up $environment running"
    echo "id=$id" >>"${GITHUB_OUTPUT:-/dev/stdout}"
    echo "deployment $id: $environment, $image"
    ;;
  finish)
    [[ $# -eq 3 ]] || fail "usage: $0 finish DEPLOYMENT_ID OUTCOME"
    case "$3" in
      success) state=success description="pulumi up succeeded" ;;
      failure) state=failure description="pulumi up failed" ;;
      cancelled | skipped) state=error description="pulumi up did not finish ($3)" ;;
      *) fail "unknown step outcome '$3' (expected success, failure, cancelled or skipped)" ;;
    esac
    status "$2" "$state" "$description"
    echo "deployment $2: $state"
    ;;
  verify)
    [[ $# -eq 2 ]] || fail "usage: $0 verify ENVIRONMENT"
    environment="$2"
    latest="$(gh api "repos/${GITHUB_REPOSITORY}/deployments?environment=${environment}&task=${TASK}&per_page=1")" ||
      fail "could not list the $environment deployments"
    id="$(jq -r '.[0].id // empty' <<<"$latest")"
    sha="$(jq -r '.[0].sha // empty' <<<"$latest")"
    state=""
    if [[ -n "$id" ]]; then
      state="$(gh api "repos/${GITHUB_REPOSITORY}/deployments/${id}/statuses?per_page=1" --jq '.[0].state // empty')" ||
        fail "could not read the statuses of deployment $id"
    fi
    if [[ "$sha" != "$GITHUB_SHA" || "$state" != success ]]; then
      echo "::error title=release not on ${environment}::release ${RELEASE_TAG:-?} is $GITHUB_SHA but ${environment}'s last rollout is ${sha:-nothing} (${state:-no status}): deploy it to ${environment} first"
      exit 1
    fi
    echo "release ${RELEASE_TAG:-?} ($GITHUB_SHA) is ${environment}'s last successful rollout (deployment $id)"
    ;;
  *)
    fail "usage: $0 start|finish|verify ..."
    ;;
esac
