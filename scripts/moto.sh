#!/usr/bin/env bash
# moto, the AWS API emulator the collector's tests run against.
#   scripts/moto.sh start   create the venv if needed, start moto_server, print its URL
#   scripts/moto.sh stop    stop the server this script started
#   scripts/moto.sh url     print the URL
# The venv lives outside the repository (PHIWARD_VENV, default /var/tmp/phiward-venv) so
# no wheel or interpreter ever lands in the tree. PHIWARD_MOTO_PORT picks the port.
set -euo pipefail
MOTO_VERSION="5.2.5"
VENV="${PHIWARD_VENV:-/var/tmp/phiward-venv}"
PORT="${PHIWARD_MOTO_PORT:-45123}"
URL="http://127.0.0.1:${PORT}"
STATE="${PHIWARD_MOTO_STATE:-/var/tmp/phiward-moto-${PORT}}"
PIDFILE="$STATE/moto.pid"

ensure_venv() {
  if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" -c 'import boto3, moto, sys
sys.exit(0 if moto.__version__ == sys.argv[1] else 1)' "$MOTO_VERSION" 2>/dev/null; then
    return
  fi
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}" >&2
}

# Any HTTP answer (even an error status) means the server is up; /moto-api/data.json
# would dump every loaded managed policy and can take seconds.
answers() {
  python3 - "$URL" <<'PY'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/moto-api/reset-auth", timeout=5).read()
except urllib.error.HTTPError:
    pass
except Exception:
    sys.exit(1)
PY
}

wait_until_answering() {
  for _ in $(seq 1 100); do
    if answers; then
      echo "$URL"
      return 0
    fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "moto_server exited; see $STATE/moto.log" >&2
      tail -20 "$STATE/moto.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  echo "moto_server did not answer on $URL within 20 s" >&2
  return 1
}

start() {
  ensure_venv
  mkdir -p "$STATE"
  # One this script started and that still runs is reused.
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    wait_until_answering
    return
  fi
  # MOTO_IAM_LOAD_MANAGED_POLICIES: without it AWS managed policies cannot be attached.
  MOTO_IAM_LOAD_MANAGED_POLICIES=true nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" \
    >"$STATE/moto.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_until_answering
}

stop() {
  if [ -f "$PIDFILE" ]; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    rm -f "$PIDFILE"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  python) echo "$VENV/bin/python" ;;
  *) echo "usage: $0 start|stop|url|python" >&2; exit 2 ;;
esac
