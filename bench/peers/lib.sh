# Shared by bench/*-compare.sh: measuring commands and starting moto. Source, don't run.

# measure NAME OUTFILE CMD...: run CMD once with stdout to OUTFILE under /usr/bin/time -v
# (hyperfine is not installed here; a single run each, under whatever load the machine has:
# report `uptime` with the figures). A non-zero exit (phiward audit exits 1 on failures,
# Prowler 3) is recorded, not fatal.
measure() {
  local name=$1 out=$2; shift 2
  local rc=0
  /usr/bin/time -v -o "$OUT/time-$name.txt" "$@" > "$out" 2> "$OUT/stderr-$name.txt" || rc=$?
  echo "$rc" > "$OUT/rc-$name.txt"
}

# row NAME LABEL: one Markdown row from the measure file: wall, CPU (user+sys), peak RSS.
row() {
  python3 - "$OUT/time-$1.txt" "$2" "$(cat "$OUT/rc-$1.txt")" <<'PY'
import sys, re
t = open(sys.argv[1]).read()
def g(k):
    return re.search(re.escape(k) + r": (.*)", t).group(1).strip()
wall = g("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(x) for x in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
cpu = float(g("User time (seconds)")) + float(g("System time (seconds)"))
rss = int(g("Maximum resident set size (kbytes)")) / 1024
print(f"| {sys.argv[2]} | {secs:.1f} s | {cpu:.1f} s | {rss:.0f} MB | {sys.argv[3]} |")
PY
}

# start_moto VENV PORT: moto_server (with bench/peers/moto_server.py's fix) on 127.0.0.1:PORT,
# AWS managed policies loaded, account 111122223333 (the generator's). Writes $OUT/moto.pid.
start_moto() {
  local venv=$1 port=$2
  MOTO_IAM_LOAD_MANAGED_POLICIES=true MOTO_ACCOUNT_ID=111122223333 \
    setsid "$venv/bin/python" bench/peers/moto_server.py -H 127.0.0.1 -p "$port" > "$OUT/moto.log" 2>&1 &
  echo $! > "$OUT/moto.pid"
  for _ in $(seq 1 60); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/moto-api/" && return 0
    sleep 1
  done
  echo "moto did not start; see $OUT/moto.log" >&2
  return 1
}

stop_moto() { [ -f "$OUT/moto.pid" ] && kill "$(cat "$OUT/moto.pid")" 2>/dev/null; rm -f "$OUT/moto.pid"; }
