#!/usr/bin/env bash
# Deploy, inspect or roll back the nexus-backend API on Kubernetes.
#
#   .github/deploy/deploy.sh ENV TAG [deploy|status|logs|rollback]
#
# deploy (default): render the ENV overlay with image IMAGE_REPOSITORY:TAG, apply everything
#   but the Deployment, run the database migrations as a Job and wait for it, apply the
#   Deployment, wait for the rollout, then check /health, /ready and a real sign-in. When
#   the rollout or those checks fail, the Deployment is rolled back and the exit code is 1.
# status / logs / rollback: TAG is not used (`deploy.sh production latest rollback`).
#
# Environment:
#   KUBECONFIG                 the cluster (kubectl's own variable)
#   IMAGE_REPOSITORY           default ghcr.io/<owner>/<repo> (lower case) of GITHUB_REPOSITORY
#                              or of the GitHub remote `origin`: where CI pushes the images
#   SMOKE_EMAIL, SMOKE_PASSWORD  an account the smoke test signs in with (required to deploy)
#   SMOKE_BASE_URL             e.g. https://api.nexus-reussite.com; unset: kubectl port-forward
#   ROLLOUT_TIMEOUT            default 10m     MIGRATION_TIMEOUT   default 11m
#   KUBECTL_REQUEST_TIMEOUT    default 15s     (reachability check and simple API calls)
#   SMOKE_RETRIES              default 10      SMOKE_RETRY_DELAY   default 3 (seconds)
#   LOG_TAIL                   default 200     (lines per pod for `logs` and failure reports)
#
# Exit codes: 0 done; 1 failed (and rolled back when it got that far); 2 bad invocation.
set -euo pipefail

readonly APP=nexus-backend
readonly SERVICE=nexus-backend-service
readonly JOB=nexus-backend-migrate
readonly SECRET=nexus-backend-secrets
readonly SECRET_KEYS=(database-url redis-url secret-key openai-api-key)

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly DEPLOY_DIR
# shellcheck source=SCRIPTDIR/image-repository.sh
source "$DEPLOY_DIR/image-repository.sh"
PROG=$(basename "$0")
readonly PROG

ROLLOUT_TIMEOUT=${ROLLOUT_TIMEOUT:-10m}
MIGRATION_TIMEOUT=${MIGRATION_TIMEOUT:-11m}
KUBECTL_REQUEST_TIMEOUT=${KUBECTL_REQUEST_TIMEOUT:-15s}
SMOKE_RETRIES=${SMOKE_RETRIES:-10}
SMOKE_RETRY_DELAY=${SMOKE_RETRY_DELAY:-3}
SMOKE_HTTP_TIMEOUT=${SMOKE_HTTP_TIMEOUT:-10}
LOG_TAIL=${LOG_TAIL:-200}
# How long one `kubectl wait` on the migration Job lasts before its Failed condition is read.
MIGRATION_POLL_SECONDS=${MIGRATION_POLL_SECONDS:-10}

WORK_DIR=""
PORT_FORWARD_PID=""
BASE_URL=""

usage() {
  cat >&2 <<EOF
usage: $0 ENV TAG [deploy|status|logs|rollback]

  ENV     staging | production
  TAG     image tag to deploy: vX.Y.Z or <branch>-<sha> (production refuses mutable tags
          such as latest); not used by status, logs and rollback
  action  deploy (default), status, logs or rollback

examples:
  $0 production v1.2.3
  $0 staging latest logs
  $0 production latest rollback
EOF
}

usage_error() {
  echo "$PROG: $*" >&2
  usage
  exit 2
}

die() {
  echo "$PROG: error: $*" >&2
  exit 1
}

step() {
  printf '\n==> %s\n' "$*"
}

cleanup() {
  if [[ -n "$PORT_FORWARD_PID" ]]; then
    kill "$PORT_FORWARD_PID" 2>/dev/null || echo "port-forward (pid $PORT_FORWARD_PID) had already exited" >&2
    wait "$PORT_FORWARD_PID" 2>/dev/null || true # its exit status after our kill is irrelevant
  fi
  if [[ -n "$WORK_DIR" ]]; then
    rm -rf "$WORK_DIR"
  fi
}

# A kubectl duration (90, 90s, 10m, 1h) in seconds; non-zero exit when it is not one.
to_seconds() {
  local value=$1
  [[ "$value" =~ ^([0-9]+)([smh]?)$ ]] || return 1
  local n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]}
  case "$unit" in
    h) echo $((10#$n * 3600)) ;;
    m) echo $((10#$n * 60)) ;;
    *) echo $((10#$n)) ;;
  esac
}

# Release tags that always name the same image: vX.Y.Z[-pre] or <branch>-<git sha>.
is_immutable_tag() {
  local tag=$1
  case "$tag" in
    latest | main | master | develop | dev | stable | staging | production | edge | nightly)
      return 1
      ;;
  esac
  [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] && return 0
  [[ "$tag" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{7,40}$ ]] && return 0
  return 1
}

# --- arguments -----------------------------------------------------------------------------

parse_args() {
  if [[ $# -lt 2 || $# -gt 3 ]]; then
    usage_error "expected ENV TAG [ACTION], got $# argument(s)"
  fi
  ENV_NAME=$1
  TAG=$2
  ACTION=${3:-deploy}
  case "$ENV_NAME" in
    staging | production) ;;
    *) usage_error "unknown environment '$ENV_NAME' (staging or production)" ;;
  esac
  case "$ACTION" in
    deploy | status | logs | rollback) ;;
    *) usage_error "unknown action '$ACTION' (deploy, status, logs or rollback)" ;;
  esac
  if [[ ! "$TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
    usage_error "'$TAG' is not a valid image tag"
  fi
  NAMESPACE=nexus-$ENV_NAME
  local repository
  if ! repository=$(image_repository); then
    # status, logs and rollback never name an image.
    [[ "$ACTION" != deploy ]] || usage_error "cannot tell which image repository to deploy from"
    repository=unknown-repository
  fi
  # render.sh reads the same variable: both name the same image.
  export IMAGE_REPOSITORY=$repository
  IMAGE="$repository:$TAG"

  ROLLOUT_SECONDS=$(to_seconds "$ROLLOUT_TIMEOUT") ||
    usage_error "ROLLOUT_TIMEOUT='$ROLLOUT_TIMEOUT' is not a duration (600, 600s, 10m)"
  MIGRATION_SECONDS=$(to_seconds "$MIGRATION_TIMEOUT") ||
    usage_error "MIGRATION_TIMEOUT='$MIGRATION_TIMEOUT' is not a duration (660, 660s, 11m)"
  to_seconds "$KUBECTL_REQUEST_TIMEOUT" >/dev/null ||
    usage_error "KUBECTL_REQUEST_TIMEOUT='$KUBECTL_REQUEST_TIMEOUT' is not a duration (15s)"
  for var in SMOKE_RETRIES SMOKE_RETRY_DELAY SMOKE_HTTP_TIMEOUT LOG_TAIL MIGRATION_POLL_SECONDS; do
    [[ "${!var}" =~ ^[0-9]+$ ]] || usage_error "$var='${!var}' is not a whole number"
  done
  ((MIGRATION_POLL_SECONDS > 0)) || usage_error "MIGRATION_POLL_SECONDS must be at least 1"

  if [[ "$ACTION" == deploy ]]; then
    if [[ "$ENV_NAME" == production ]] && ! is_immutable_tag "$TAG"; then
      echo "$PROG: refusing to deploy '$TAG' to production: it is a mutable tag." >&2
      echo "  Production takes release tags that always name the same image: vX.Y.Z" >&2
      echo "  (e.g. v1.2.3) or <branch>-<git sha> (e.g. main-3f2a9c1)." >&2
      exit 2
    fi
    if [[ -z "${SMOKE_EMAIL:-}" || -z "${SMOKE_PASSWORD:-}" ]]; then
      echo "$PROG: SMOKE_EMAIL and SMOKE_PASSWORD must be set: the smoke test signs in with" >&2
      echo "  that account after the rollout (docs/deployment.md, 'Smoke-test account')." >&2
      exit 2
    fi
  fi
}

# --- prerequisites -------------------------------------------------------------------------

check_prerequisites() {
  command -v kubectl >/dev/null 2>&1 || die "kubectl is not installed (or not on PATH)"
  if [[ "$ACTION" == deploy ]]; then
    command -v curl >/dev/null 2>&1 || die "curl is not installed (or not on PATH)"
  fi
  local out
  if ! out=$(kubectl version --request-timeout="$KUBECTL_REQUEST_TIMEOUT" 2>&1); then
    echo "$PROG: error: cannot reach the cluster (kubectl version, timeout $KUBECTL_REQUEST_TIMEOUT)." >&2
    echo "  Check KUBECONFIG${KUBECONFIG:+ ($KUBECONFIG)}, the current context and the network." >&2
    echo "  Nothing was applied." >&2
    printf '%s\n' "$out" | sed 's/^/  kubectl: /' >&2
    exit 1
  fi
}

check_secret() {
  local keys missing=()
  # shellcheck disable=SC2016 # a Go template for kubectl, not a shell expansion
  if ! keys=$(kubectl get secret "$SECRET" --namespace "$NAMESPACE" \
    --request-timeout="$KUBECTL_REQUEST_TIMEOUT" \
    -o 'go-template={{range $k, $v := .data}}{{$k}}{{"\n"}}{{end}}'); then
    die "Secret $SECRET not found in namespace $NAMESPACE: create it first (docs/deployment.md, 'Secrets'). Nothing was applied."
  fi
  local key
  for key in "${SECRET_KEYS[@]}"; do
    grep -qxF -- "$key" <<<"$keys" || missing+=("$key")
  done
  if ((${#missing[@]})); then
    die "Secret $SECRET in $NAMESPACE lacks key(s): ${missing[*]}. Nothing was applied."
  fi
}

# --- rendering -----------------------------------------------------------------------------

# render.sh reads IMAGE_REPOSITORY (exported by parse_args).
render() {
  "$DEPLOY_DIR/render.sh" "$ENV_NAME" "$TAG" "$1"
}

# Keep (only) or drop (others) the documents whose kind, or kind/name, is one of KINDS (a|b),
# from a rendered multi-document stream. kubectl kustomize writes documents separated by `---`
# with `kind:` and `metadata:` at column 0 and the object's `name:` two spaces in.
select_kinds() {
  awk -v mode="$1" -v kinds="^($2)$" '
    function flush() {
      if (doc != "" && ((kind ~ kinds || (kind "/" name) ~ kinds) == (mode == "only")))
        printf "---\n%s", doc
      doc = ""; kind = ""; name = ""; meta = 0
    }
    /^---$/ { flush(); next }
    /^kind: / { kind = $2 }
    /^[a-zA-Z]/ { meta = ($0 ~ /^metadata:/) }
    meta && /^  name: / && name == "" { name = $2 }
    { doc = doc $0 "\n" }
    END { flush() }
  '
}

# The workloads that run the release's image: applied after the migrations (the API
# Deployment) and after the smoke tests (the mail worker and the CronJobs: a failed release
# leaves them on the image the rolled-back API runs).
readonly RELEASE_KINDS='Deployment|CronJob'
readonly AFTER_SMOKE_KINDS='CronJob|Deployment/nexus-backend-worker'

# --- deployment state ----------------------------------------------------------------------

current_revision() {
  kubectl get deployment "$APP" --namespace "$NAMESPACE" --ignore-not-found \
    --request-timeout="$KUBECTL_REQUEST_TIMEOUT" \
    -o 'jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}'
}

# Bumped by the API server, synchronously, whenever the Deployment's spec changes (the
# revision annotation is only updated later, by the controller).
# The live replica count, when the HPA has set one (empty before the first release).
current_replicas() {
  kubectl get deployment "$APP" --namespace "$NAMESPACE" --ignore-not-found \
    --request-timeout="$KUBECTL_REQUEST_TIMEOUT" -o 'jsonpath={.spec.replicas}'
}

# The rendered Deployment, with the live replica count when autoscaling raised it above the
# rendered one (applying the rendered number would scale a busy Deployment down).
deployment_manifest() {
  local manifest rendered live
  manifest=$(printf '%s\n' "$1" | select_kinds only "Deployment/$APP")
  rendered=$(printf '%s\n' "$manifest" | sed -nE 's/^  replicas: ([0-9]+)$/\1/p' | head -n 1)
  live=$(current_replicas)
  if [[ "$live" =~ ^[0-9]+$ && "$rendered" =~ ^[0-9]+$ ]] && ((live > rendered)); then
    echo "keeping the $live replicas the autoscaler set (the overlay says $rendered)" >&2
    manifest=$(printf '%s\n' "$manifest" | sed -E "s/^  replicas: [0-9]+$/  replicas: $live/")
  fi
  printf '%s\n' "$manifest"
}

current_generation() {
  kubectl get deployment "$APP" --namespace "$NAMESPACE" --ignore-not-found \
    --request-timeout="$KUBECTL_REQUEST_TIMEOUT" -o 'jsonpath={.metadata.generation}'
}

wait_rollout() {
  kubectl rollout status "deployment/$APP" --namespace "$NAMESPACE" --timeout="${ROLLOUT_SECONDS}s"
}

show_pods_and_events() {
  echo "--- pods" >&2
  kubectl get pods --namespace "$NAMESPACE" -l "app=$APP" -o wide >&2 ||
    echo "(could not list the pods)" >&2
  echo "--- recent events" >&2
  kubectl get events --namespace "$NAMESPACE" --sort-by=.lastTimestamp 2>&1 | tail -n 20 >&2 ||
    echo "(could not list the events)" >&2
}

# Undo the release that this run applied, back to the revision that was serving before.
roll_back() {
  local revision_before=$1 revision_now
  revision_now=$(current_revision)
  if [[ -z "$revision_before" ]]; then
    echo "$PROG: this was the first release in $NAMESPACE: there is no previous version to roll back to." >&2
    return 1
  fi
  if [[ "$revision_now" == "$revision_before" ]]; then
    echo "$PROG: this run did not create a new revision (still $revision_now): nothing to undo." >&2
    return 1
  fi
  step "Rolling back deployment/$APP to revision $revision_before"
  kubectl rollout undo "deployment/$APP" --namespace "$NAMESPACE" --to-revision="$revision_before"
  if ! wait_rollout; then
    echo "$PROG: the rollback itself did not complete within $ROLLOUT_TIMEOUT: see '$PROG $ENV_NAME $TAG status'." >&2
    return 1
  fi
}

fail_release() {
  local revision_before=$1 what=$2
  if roll_back "$revision_before"; then
    die "deploy of $IMAGE to $ENV_NAME failed $what; rolled back to revision $revision_before."
  fi
  die "deploy of $IMAGE to $ENV_NAME failed $what; NOT rolled back (see above)."
}

# --- migrations ----------------------------------------------------------------------------

run_migrations() {
  local manifest=$1
  step "Running database migrations (job/$JOB, timeout $MIGRATION_TIMEOUT)"
  # A Job's pod template is immutable: remove the previous run before creating this one.
  kubectl delete job "$JOB" --namespace "$NAMESPACE" --ignore-not-found --wait=true \
    --cascade=foreground --timeout=120s
  printf '%s\n' "$manifest" | kubectl apply --request-timeout="$KUBECTL_REQUEST_TIMEOUT" -f -

  local deadline=$((SECONDS + MIGRATION_SECONDS)) remaining slice failed
  while true; do
    remaining=$((deadline - SECONDS))
    if ((remaining <= 0)); then
      migration_report
      die "the migrations did not finish within $MIGRATION_TIMEOUT; the Deployment was not changed (the Job stops at its activeDeadlineSeconds)."
    fi
    slice=$((remaining < MIGRATION_POLL_SECONDS ? remaining : MIGRATION_POLL_SECONDS))
    if kubectl wait --for=condition=complete "job/$JOB" --namespace "$NAMESPACE" \
      --timeout="${slice}s" >/dev/null 2>&1; then
      echo "migrations applied"
      kubectl logs "job/$JOB" --namespace "$NAMESPACE" --tail="$LOG_TAIL" ||
        echo "(the migration logs could not be read)" >&2
      return 0
    fi
    if failed=$(kubectl get job "$JOB" --namespace "$NAMESPACE" \
      --request-timeout="$KUBECTL_REQUEST_TIMEOUT" \
      -o 'jsonpath={.status.conditions[?(@.type=="Failed")].status}') && [[ "$failed" == True ]]; then
      migration_report
      die "the migrations failed; the Deployment was not changed."
    fi
  done
}

migration_report() {
  echo "--- logs of job/$JOB" >&2
  kubectl logs "job/$JOB" --namespace "$NAMESPACE" --all-containers --tail="$LOG_TAIL" >&2 ||
    echo "(no logs: the pod may not have started; see the events below)" >&2
  echo "--- job/$JOB" >&2
  kubectl describe job "$JOB" --namespace "$NAMESPACE" >&2 || echo "(could not describe the Job)" >&2
}

# --- smoke tests ---------------------------------------------------------------------------

# Sets BASE_URL. Not called in $(...): the port-forward must be a child of this shell so
# that cleanup can stop it.
start_port_forward() {
  local out="$WORK_DIR/port-forward.out" port="" _
  # Port 0: kubectl picks a free local port and prints it.
  kubectl port-forward "svc/$SERVICE" --namespace "$NAMESPACE" --address 127.0.0.1 :80 \
    >"$out" 2>&1 &
  PORT_FORWARD_PID=$!
  for _ in $(seq 1 60); do
    port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "$out" | head -n 1)
    [[ -n "$port" ]] && break
    kill -0 "$PORT_FORWARD_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [[ -z "$port" ]]; then
    cat "$out" >&2
    return 1
  fi
  BASE_URL="http://127.0.0.1:$port"
}

# request METHOD URL [BODY_FILE] [HEADER_FILE]: prints the status code, body in $WORK_DIR/body.
request() {
  local method=$1 url=$2 body_file=${3:-} header_file=${4:-}
  local args=(--silent --show-error --max-time "$SMOKE_HTTP_TIMEOUT" -o "$WORK_DIR/body"
    -w '%{http_code}' -X "$method" -H 'Accept: application/json')
  if [[ -n "$body_file" ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary "@$body_file")
  fi
  if [[ -n "$header_file" ]]; then
    args+=(-H "@$header_file")
  fi
  # On a connection failure curl still prints 000 for %{http_code}.
  curl "${args[@]}" "$url" || true
}

# Retries until the endpoint answers 200: the new pods or the ingress may need a moment.
expect_ok() {
  local url=$1 attempt status
  for ((attempt = 1; attempt <= SMOKE_RETRIES; attempt++)); do
    status=$(request GET "$url")
    if [[ "$status" == 200 ]]; then
      echo "ok   GET $url -> 200"
      return 0
    fi
    echo "wait GET $url -> $status (attempt $attempt/$SMOKE_RETRIES)" >&2
    if ((attempt < SMOKE_RETRIES)); then
      sleep "$SMOKE_RETRY_DELAY"
    fi
  done
  echo "FAIL GET $url never answered 200; last answer: $(head -c 500 "$WORK_DIR/body" 2>/dev/null)" >&2
  return 1
}

json_escape() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '%s' "$s"
}

json_field() {
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$WORK_DIR/body" | head -n 1
}

smoke_test() {
  local base_url status token email
  if [[ -n "${SMOKE_BASE_URL:-}" ]]; then
    base_url=${SMOKE_BASE_URL%/}
  else
    step "Opening a port-forward to svc/$SERVICE"
    if ! start_port_forward; then
      echo "$PROG: kubectl port-forward did not start" >&2
      return 1
    fi
    base_url=$BASE_URL
  fi
  step "Health checks and smoke tests against $base_url"
  expect_ok "$base_url/health" || return 1
  expect_ok "$base_url/ready" || return 1

  (
    umask 077
    printf '{"email":"%s","password":"%s"}' "$(json_escape "$SMOKE_EMAIL")" \
      "$(json_escape "$SMOKE_PASSWORD")" >"$WORK_DIR/login.json"
  )
  status=$(request POST "$base_url/api/v1/auth/login" "$WORK_DIR/login.json")
  rm -f "$WORK_DIR/login.json"
  token=$(json_field access_token)
  if [[ "$status" != 200 || -z "$token" ]]; then
    echo "FAIL POST $base_url/api/v1/auth/login -> $status (expected 200 with an access_token)" >&2
    return 1
  fi
  echo "ok   POST $base_url/api/v1/auth/login -> 200"

  (
    umask 077
    printf 'Authorization: Bearer %s\n' "$token" >"$WORK_DIR/auth.header"
  )
  status=$(request GET "$base_url/api/v1/auth/me" "" "$WORK_DIR/auth.header")
  email=$(json_field email)
  if [[ "$status" != 200 || "${email,,}" != "${SMOKE_EMAIL,,}" ]]; then
    echo "FAIL GET $base_url/api/v1/auth/me -> $status (expected 200 for $SMOKE_EMAIL, got '${email}')" >&2
    return 1
  fi
  echo "ok   GET $base_url/api/v1/auth/me -> 200 ($email)"

  # Close the session the smoke test opened.
  status=$(request POST "$base_url/api/v1/auth/logout" "" "$WORK_DIR/auth.header")
  rm -f "$WORK_DIR/auth.header"
  if [[ "$status" != 200 ]]; then
    echo "FAIL POST $base_url/api/v1/auth/logout -> $status" >&2
    return 1
  fi
  echo "ok   POST $base_url/api/v1/auth/logout -> 200"
}

# --- actions -------------------------------------------------------------------------------

do_deploy() {
  local app_manifests migrate_manifest revision_before revision_after generation_before
  step "Rendering $ENV_NAME with image $IMAGE"
  app_manifests=$(render app) || die "rendering the $ENV_NAME overlay failed; nothing was applied"
  migrate_manifest=$(render migrate) || die "rendering the migration Job failed; nothing was applied"

  check_secret

  step "Applying the $ENV_NAME configuration (everything but the Deployment and the CronJobs)"
  printf '%s\n' "$app_manifests" | select_kinds drop "$RELEASE_KINDS" |
    kubectl apply --request-timeout="$KUBECTL_REQUEST_TIMEOUT" -f -

  run_migrations "$migrate_manifest"

  revision_before=$(current_revision)
  generation_before=$(current_generation)
  step "Applying deployment/$APP (image $IMAGE)"
  deployment_manifest "$app_manifests" |
    kubectl apply --request-timeout="$KUBECTL_REQUEST_TIMEOUT" -f -
  if [[ -n "$generation_before" && "$(current_generation)" == "$generation_before" ]] &&
    ! is_immutable_tag "$TAG"; then
    # Same tag, same pod template: only a restart makes the nodes pull the moved tag again.
    echo "'$TAG' is a mutable tag and the pod template did not change: restarting the pods"
    kubectl rollout restart "deployment/$APP" --namespace "$NAMESPACE"
  fi

  step "Waiting for the rollout (timeout $ROLLOUT_TIMEOUT)"
  if ! wait_rollout; then
    echo "$PROG: the rollout of $IMAGE did not complete." >&2
    show_pods_and_events
    fail_release "$revision_before" "during the rollout"
  fi

  if ! smoke_test; then
    echo "$PROG: the smoke tests failed on $IMAGE." >&2
    fail_release "$revision_before" "its smoke tests"
  fi

  # Scheduled commands move to the new image only once it is serving: a failed release
  # leaves them on the image the rolled-back Deployment runs.
  step "Applying the mail worker and the scheduled jobs (image $IMAGE)"
  printf '%s\n' "$app_manifests" | select_kinds only "$AFTER_SMOKE_KINDS" |
    kubectl apply --request-timeout="$KUBECTL_REQUEST_TIMEOUT" -f -

  revision_after=$(current_revision)
  step "Deployed $IMAGE to $NAMESPACE (revision ${revision_after:-?})"
}

do_status() {
  step "deployment/$APP in $NAMESPACE"
  kubectl get deployment "$APP" --namespace "$NAMESPACE" -o wide
  kubectl rollout history "deployment/$APP" --namespace "$NAMESPACE"
  step "pods"
  kubectl get pods --namespace "$NAMESPACE" -l "app=$APP" -o wide
  step "horizontal pod autoscaler"
  kubectl get hpa --namespace "$NAMESPACE"
  step "last migration"
  kubectl get job "$JOB" --namespace "$NAMESPACE" --ignore-not-found
  step "recent events"
  kubectl get events --namespace "$NAMESPACE" --sort-by=.lastTimestamp | tail -n 25
}

do_logs() {
  kubectl logs --namespace "$NAMESPACE" -l "app=$APP" --all-containers --prefix \
    --timestamps --tail="$LOG_TAIL" --max-log-requests=20
}

do_rollback() {
  step "Rolling back deployment/$APP in $NAMESPACE to its previous revision"
  kubectl rollout undo "deployment/$APP" --namespace "$NAMESPACE"
  step "Waiting for the rollback (timeout $ROLLOUT_TIMEOUT)"
  wait_rollout || die "the rollback did not complete within $ROLLOUT_TIMEOUT; see '$PROG $ENV_NAME $TAG status'."
  echo "Rolled back. Database migrations are not reverted: the previous version runs on the current schema."
}

main() {
  parse_args "$@"
  check_prerequisites
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nexus-deploy.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  case "$ACTION" in
    deploy) do_deploy ;;
    status) do_status ;;
    logs) do_logs ;;
    rollback) do_rollback ;;
  esac
}

main "$@"
