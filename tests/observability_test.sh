#!/usr/bin/env bash
# The dashboards and alerts of deploy/observability as tested code:
#  1. static checks (deploy/observability/check.py static): dashboards are
#     Grafana JSON with a datasource variable and no uid of their own; every
#     alert has severity, summary, description, runbook_url, a runbook page,
#     and a firing and a quiet case in alerts_test.yaml;
#  2. promtool check rules / check config / test rules;
#  3. live: wmo-server (--auth=dev, free ports, a temp data dir) scraped
#     every second by a real Prometheus that loads alerts.yaml; a little REST
#     traffic (catalog reads, two assignments, a declaration with an
#     approved and a rejected line, a location, a bed pool, a booking, a full
#     one, a waitlist entry, 4xx answers); then every dashboard variable and
#     panel query must parse and return data, every alert expression must
#     parse and name only scraped metrics, and every rule must evaluate
#     cleanly and stay quiet (check.py live).
#
#   tests/observability_test.sh WMO_SERVER SOURCE_DIR
#
# Exits 77 (ctest SKIP_RETURN_CODE) when prometheus, promtool or PyYAML is
# missing (Debian: prometheus, python3-yaml); the static checks run first
# all the same. PROMETHEUS=/path and PROMTOOL=/path choose other builds.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 WMO_SERVER SOURCE_DIR" >&2
  exit 2
fi
server=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
obs=$src/deploy/observability
SKIP=77

skip() {
  echo "SKIPPED: $*"
  exit $SKIP
}

command -v python3 >/dev/null || skip "needs python3"
python3 -c 'import yaml' 2>/dev/null || skip "needs PyYAML (apt-get install python3-yaml)"
command -v curl >/dev/null || skip "needs curl"

echo "== static checks"
python3 "$obs/check.py" static "$obs"
# And on a copy with an alert that has no description, runbook or unit
# test: the checks must name it, or they check nothing.
broken=$(mktemp -d "${TMPDIR:-/tmp}/observability_broken.XXXXXX")
cp -R "$obs/." "$broken"
python3 - "$broken/alerts.yaml" <<'PY'
import sys, yaml
path = sys.argv[1]
rules = yaml.safe_load(open(path))
rules["groups"][0]["rules"].append(
    {"alert": "WmoUntested", "expr": "up == 2", "labels": {"severity": "ticket"}})
yaml.safe_dump(rules, open(path, "w"))
PY
if python3 "$obs/check.py" static "$broken" >"$broken/out" 2>&1; then
  rm -rf "$broken"
  echo "FAILED: the static checks pass an alert without runbook or tests"
  exit 1
fi
grep -q WmoUntested "$broken/out" || {
  cat "$broken/out"
  rm -rf "$broken"
  echo "FAILED: the static checks do not name the alert they refuse"
  exit 1
}
rm -rf "$broken"

# PROMETHEUS and PROMTOOL name other builds (upstream's, say) than PATH's.
prometheus=${PROMETHEUS:-$(command -v prometheus || true)}
promtool=${PROMTOOL:-$(command -v promtool || true)}
if [ ! -x "$prometheus" ] || [ ! -x "$promtool" ]; then
  skip "needs prometheus and promtool (apt-get install prometheus; scripts/setup installs it)"
fi

echo "== promtool"
"$promtool" check rules "$obs/alerts.yaml"
"$promtool" check config "$obs/prometheus.yml"
(cd "$obs" && "$promtool" test rules alerts_test.yaml)

echo "== live: wmo-server scraped by Prometheus"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/observability_test.XXXXXX")
server_pid=""
prom_pid=""
check_pid=""
cleanup() {
  local status=$?
  for pid in $check_pid $prom_pid $server_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $check_pid $prom_pid $server_pid; do
    # Bounded: a process that ignores SIGTERM for 10 s is killed.
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ $status -ne 0 ] && [ $status -ne $SKIP ]; then
    echo "--- wmo-server log (last 30 lines)"
    tail -n 30 "$tmp/server.log" 2>/dev/null || true
    echo "--- prometheus log (last 30 lines)"
    tail -n 30 "$tmp/prometheus.log" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if [ $SECONDS -ge $deadline ]; then return 1; fi
    sleep 0.2
  done
}

"$server" --auth=dev --host=127.0.0.1 --grpc_port=0 --http_port=0 \
  --metrics_port=0 --data_dir="$tmp/data" --catalog_dir="$src/catalogs" \
  >"$tmp/server.out" 2>"$tmp/server.log" &
server_pid=$!
# The bound ports are printed once the server serves.
ports_known() {
  kill -0 "$server_pid" 2>/dev/null || {
    echo "wmo-server exited" >&2
    exit 1
  }
  grep -qs 'metrics  *http://' "$tmp/server.log"
}
wait_for 30 ports_known || {
  echo "wmo-server did not print its ports" >&2
  exit 1
}
http=$(sed -n 's|.*REST  *http://\([^/ ]*\)/.*|\1|p' "$tmp/server.log" | head -1)
metrics=$(sed -n 's|.*metrics  *http://\([^/ ]*\)/metrics.*|\1|p' "$tmp/server.log" | head -1)
echo "wmo-server: REST $http, metrics $metrics"

# A free port for Prometheus (bound and released; it binds it right away).
prom_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $obs/alerts.yaml
scrape_configs:
  - job_name: wmo-server
    static_configs:
      - targets: ['$metrics']
EOF
"$prometheus" --config.file="$tmp/prometheus.yml" \
  --storage.tsdb.path="$tmp/prometheus" \
  --web.listen-address="127.0.0.1:$prom_port" \
  --log.level=warn >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!
prom=http://127.0.0.1:$prom_port
prom_ready() {
  kill -0 "$prom_pid" 2>/dev/null || {
    echo "prometheus exited" >&2
    exit 1
  }
  curl -sf "$prom/-/ready" >/dev/null
}
wait_for 30 prom_ready || {
  echo "prometheus not ready" >&2
  exit 1
}
echo "prometheus: $prom"

# --- Traffic through the REST gateway, each answer's status checked.
municipality="Authorization: Bearer $("$server" token --kind=municipality --tenant=0988 --subject=observability --data_dir="$tmp/data")"
provider="Authorization: Bearer $("$server" token --kind=provider --tenant=99990303 --subject=observability --data_dir="$tmp/data")"
requests=0
# call STATUS AUTH METHOD PATH [BODY]
call() {
  local want=$1 auth=$2 method=$3 path=$4 body=${5:-}
  local args=(-s -o "$tmp/body" -w '%{http_code}' -X "$method")
  [ -n "$auth" ] && args+=(-H "$auth")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' -d "$body")
  local got
  got=$(curl "${args[@]}" "http://$http$path")
  requests=$((requests + 1))
  if [ "$got" != "$want" ]; then
    echo "traffic: $method $path answered $got, not $want: $(head -c 400 "$tmp/body")" >&2
    exit 1
  fi
}
kdv() {  # a KDV assignment (midden-limburg-2024) of client $1, $2 etmalen
  cat <<EOF
{"client": {"bsn": "$1", "birthDate": "1950-03-01"},
 "providerAgb": "99990303", "catalog": "midden-limburg-2024", "product": "kdv",
 "basis": "1", "extent": {"volume": $2, "unit": "UNIT_DAY_NIGHT", "frequency": "FREQUENCY_TOTAL"},
 "startDate": "2024-03-01", "endDate": "2024-06-30",
 "results": [{"lifeDomain": "Wonen", "activityType": "ACTIVITY_TYPE_HELP"}]}
EOF
}
line() {  # a declaration line on assignment 1: reference, volume
  echo "{\"reference\": \"$1\", \"assignmentNumber\": \"1\", \"clientBsn\": \"111222333\",
    \"productCategory\": \"04\", \"productCode\": \"04KDV\", \"startDate\": \"2024-03-01\",
    \"endDate\": \"2024-03-31\", \"volume\": $2, \"unit\": \"UNIT_DAY_NIGHT\",
    \"tariffCents\": 16400, \"amountCents\": $(($2 * 16400)), \"direction\": \"DEBIT\"}"
}
pool=/v1/providers/99990303/locations/weert/bedPools/logeer
stay() {  # a stay of client $1 on assignment $2 from $3 to $4
  echo "{\"clientBsn\": \"$1\", \"assignment\": \"municipalities/0988/assignments/$2\", \"arrivalDate\": \"$3\", \"departureDate\": \"$4\"}"
}

call 200 "" GET /healthz
call 200 "" GET /readyz
call 401 "" GET /v1/catalogs
call 200 "$municipality" GET /v1/catalogs
call 200 "$municipality" GET /v1/catalogs/midden-limburg-2024/products/kdv
call 200 "$municipality" GET '/v1/catalogs/perspectief-2024/products?category=08&pageSize=4'
call 200 "$municipality" GET '/v1/catalogs/midden-limburg-2024/products/bgi:resolveTariff?basis=3&date=2024-06-01'
call 404 "$municipality" GET /v1/catalogs/no-such-catalog
call 200 "$municipality" POST /v1/municipalities/0988/assignments "$(kdv 111222333 10)"
call 200 "$municipality" POST /v1/municipalities/0988/assignments "$(kdv 123456782 20)"
call 200 "$municipality" GET /v1/municipalities/0988/assignments/1
# One line approved, one rejected (more than the assignment allows).
call 200 "$provider" POST /v1/providers/99990303/declarations \
  "{\"number\": \"D1\", \"municipality\": \"0988\", \"period\": \"2024-03\", \"lines\": [$(line R1 4), $(line R2 40)]}"
call 200 "$provider" POST /v1/providers/99990303/declarations:validate \
  "{\"number\": \"D2\", \"municipality\": \"0988\", \"period\": \"2024-04\", \"lines\": [$(line R3 2)]}"
call 200 "$provider" GET /v1/providers/99990303/settlements/2024-03
call 404 "$provider" GET /v1/providers/99990303/declarations/NOPE
call 403 "$provider" GET /v1/municipalities/0988/assignments/-/auditEntries
call 200 "$provider" POST '/v1/providers/99990303/locations?locationId=weert' \
  '{"displayName": "Logeerhuis Weert", "municipality": "0988", "postcode": "6001 AB"}'
call 200 "$provider" POST '/v1/providers/99990303/locations/weert/bedPools?bedPoolId=logeer' \
  '{"displayName": "Logeerkamers", "catalog": "midden-limburg-2024", "products": ["kdv"], "beds": 1}'
call 200 "$provider" POST "$pool/bookings" "$(stay 111222333 1 2024-03-04 2024-03-07)"
call 400 "$provider" POST "$pool/bookings" "$(stay 123456782 2 2024-03-05 2024-03-06)"
call 200 "$provider" POST "$pool/waitlistEntries" "{\"booking\": $(stay 123456782 2 2024-03-05 2024-03-06)}"
call 200 "$provider" GET "$pool/waitlistEntries"
call 200 "$provider" GET '/v1/providers/99990303/locations/weert/occupancy?fromDate=2024-03-04&toDate=2024-03-06'
call 200 "$municipality" GET '/v1/availability?catalog=midden-limburg-2024&product=kdv&municipality=0988&fromDate=2024-03-03&toDate=2024-03-05&postcode=6001AB'
call 404 "$provider" GET /v1/no/such/route
echo "traffic: $requests requests answered as expected"

# --- Every query against what Prometheus scraped (retried until the scrapes
# after the traffic are in).
# In the background so that a signal stops the test at once (bash runs its
# traps only between commands, and `wait` is one).
python3 "$obs/check.py" live "$obs" "$prom" --job wmo-server --timeout 30 &
check_pid=$!
wait $check_pid
check_pid=""
echo "observability_test: passed"
