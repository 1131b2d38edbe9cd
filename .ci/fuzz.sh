#!/usr/bin/env bash
# Fuzz the HTTP API v1 with schemathesis against the served product.
#
# Starts the product on a fresh data folder (setup, demo data, serve), signs in as several
# roles and runs schemathesis against /api/v1/openapi.json once per role with a bounded
# number of examples and a time bound. Fails (non-zero exit) on any server error or any
# answer that does not match the OpenAPI document (status, content type, schema, headers).
#
#   .ci/fuzz.sh                       # officer, institution and individual passes (~500 cases)
#   FUZZ_ROLES="officer.beijing" FUZZ_EXAMPLES=20 .ci/fuzz.sh
#
# Environment: FUZZ_PORT (8765), FUZZ_EXAMPLES (examples per operation, 4), FUZZ_SECONDS (time
# bound of each pass, 300), FUZZ_ROLES (demo logins), FUZZ_SEED (schemathesis seed),
# MEDPAUSE_DATA_DIR_FUZZ (a data folder to keep; by default a temporary one, removed after a
# passing run and kept with the reports after a failing one),
# FUZZ_PHASES (examples,fuzzing,stateful; add `coverage` for the deep boundary-value pass, about
# 1,300 more cases per role), FUZZ_CHECKS (the checks below; `all` for every schemathesis check).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${FUZZ_PORT:-8765}"
EXAMPLES="${FUZZ_EXAMPLES:-4}"
SECONDS_PER_PASS="${FUZZ_SECONDS:-300}"
ROLES="${FUZZ_ROLES:-officer.beijing hospital zhang.wei}"
PASSWORD="medpause-demo"
BASE="http://127.0.0.1:${PORT}"
PY=.venv/bin/python
MEDPAUSE=.venv/bin/medpause
SCHEMATHESIS=.venv/bin/schemathesis

export MEDPAUSE_DATA_DIR="${MEDPAUSE_DATA_DIR_FUZZ:-$(mktemp -d)}"
export MEDPAUSE_LOG_LEVEL="${MEDPAUSE_LOG_LEVEL:-WARNING}"
REPORT_DIR="${MEDPAUSE_DATA_DIR}/schemathesis"
SERVER_LOG="${MEDPAUSE_DATA_DIR}/serve.log"
SERVER_PID=""

stop_server() {
  if [ -n "${SERVER_PID}" ] && kill -0 "${SERVER_PID}" 2>/dev/null; then
    kill "${SERVER_PID}" 2>/dev/null || true
    wait "${SERVER_PID}" 2>/dev/null || true
  fi
}
trap stop_server EXIT INT TERM

echo "== fuzz: data in ${MEDPAUSE_DATA_DIR}"
"${MEDPAUSE}" setup >/dev/null

if "${MEDPAUSE}" help demo >/dev/null 2>&1; then
  "${MEDPAUSE}" demo >/dev/null
else
  # Before `medpause demo` exists: the few logins the passes need, made by the core's services.
  PYTHONPATH=. "${MEDPAUSE}" shell -c "
from tests.factories import make_person, make_unit, make_user
unit = make_unit('110000', name='Fuzz Works')
zhang = make_person('110000', unit=unit, name='张伟')
make_user('admin', username='admin', password='${PASSWORD}')
make_user('officer', username='officer.beijing', password='${PASSWORD}', region='110000')
make_user('unit_agent', username='unit.beijing', password='${PASSWORD}', unit=unit)
make_user('individual', username='zhang.wei', password='${PASSWORD}', person=zhang)
make_user('institution', username='hospital', password='${PASSWORD}', institution_name='Fuzz Hospital')
"
fi

MEDPAUSE_WORKERS=2 "${MEDPAUSE}" serve --port "${PORT}" >"${SERVER_LOG}" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 60); do
  if "${PY}" -c "import urllib.request,sys; urllib.request.urlopen('${BASE}/api/v1/openapi.json', timeout=2)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "${SERVER_PID}" 2>/dev/null; then
    echo "the server did not start:"; cat "${SERVER_LOG}"; exit 1
  fi
  sleep 1
done

token_for() {
  "${PY}" - "$1" <<EOF
import json, sys, urllib.request
request = urllib.request.Request(
    "${BASE}/api/v1/auth/token",
    data=json.dumps({"username": sys.argv[1], "password": "${PASSWORD}"}).encode(),
    headers={"Content-Type": "application/json"},
)
print(json.load(urllib.request.urlopen(request, timeout=10))["token"])
EOF
}

CHECKS="${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance}"
PHASES="${FUZZ_PHASES:-examples,fuzzing,stateful}"
status=0
for login in ${ROLES}; do
  token="$(token_for "${login}")"
  echo "== fuzz: schemathesis as ${login} (${EXAMPLES} examples per operation, at most ${SECONDS_PER_PASS}s)"
  seed_args=()
  if [ -n "${FUZZ_SEED:-}" ]; then seed_args=(--seed "${FUZZ_SEED}"); fi
  # /auth/revoke is left out: it would revoke the token the rest of the pass runs with.
  if ! timeout --signal=INT --kill-after=30 "${SECONDS_PER_PASS}" \
      "${SCHEMATHESIS}" run "${BASE}/api/v1/openapi.json" \
      --url "${BASE}" \
      --header "Authorization: Bearer ${token}" \
      --header "Accept-Language: en" \
      --checks "${CHECKS}" \
      --phases "${PHASES}" \
      --max-examples "${EXAMPLES}" \
      --exclude-path /api/v1/auth/revoke \
      --workers 1 \
      --request-timeout 30 \
      --suppress-health-check all \
      --no-shrink \
      --report junit --report-dir "${REPORT_DIR}/${login}" \
      "${seed_args[@]}"; then
    echo "== fuzz: FAILED as ${login} (report in ${REPORT_DIR}/${login})"
    status=1
  fi
done

if grep -q "Internal Server Error\|Traceback" "${SERVER_LOG}"; then
  echo "== fuzz: the server logged errors:"
  grep -B2 -A30 "Traceback" "${SERVER_LOG}" | head -120
  status=1
fi

stop_server
if [ "${status}" -eq 0 ]; then
  echo "== fuzz: passed"
  if [ -z "${MEDPAUSE_DATA_DIR_FUZZ:-}" ]; then rm -rf "${MEDPAUSE_DATA_DIR}"; fi
fi
exit "${status}"
