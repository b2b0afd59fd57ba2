#!/bin/sh
# The README's second command: installs what the tests need, builds, and
# runs every suite with meson test, the NAT lab included when run as root,
# then the C suites again under sanitizers: ASan, LSan and UBSan
# (scripts/sanitize.sh), then ThreadSanitizer (scripts/tsan.sh), and the
# fuzz targets for 5 s each (scripts/fuzz.sh).  With arguments, runs only
# those (meson test arguments: suite or test names).
# The services the tests need (coturn, the signalling server, the network
# namespaces of the NAT lab) are started by the tests themselves.  Ends
# with "N passed, N failed" alone on the last line.
set -u
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1

status=0
logs=build/meson-logs/testlog.json

# The whole suite runs the NAT lab in the background while the other
# suites run: its cells live in their own network namespaces and mostly
# wait on timers, and it is the longest suite (about 5 minutes).  Its
# output is printed when it ends.
nat_pid=""
if [ $# -eq 0 ]; then
  rm -f build/meson-logs/nat.json build/meson-logs/nat-run.txt
  meson test -C build --no-rebuild --print-errorlogs --suite nat \
    --logbase nat >build/meson-logs/nat-run.txt 2>&1 &
  nat_pid=$!
  logs="$logs build/meson-logs/nat.json"
  meson test -C build --no-rebuild --print-errorlogs --num-processes 1 \
    --no-suite nat || status=1
else
  meson test -C build --print-errorlogs --num-processes 1 "$@" || status=1
fi

# The whole suite also runs the C tests under ASan, LSan and UBSan and,
# at the same time, under TSan (each takes about 6 minutes, most of it
# waiting on sockets and timers: side by side they take 2 cores, not
# twice the time; their output is printed when both ended), then each
# fuzz target briefly: FUZZ_SECONDS (5) each, two at a time, plus a
# minute to build build-fuzz the first time.
if [ $# -eq 0 ]; then
  rm -f build-asan/meson-logs/testlog.json build-tsan/meson-logs/testlog.json
  rm -f build-fuzz/meson-logs/testlog.json
  scripts/sanitize.sh >build/meson-logs/asan-run.txt 2>&1 &
  asan_pid=$!
  scripts/tsan.sh >build/meson-logs/tsan-run.txt 2>&1 || status=1
  wait "$asan_pid" || status=1
  echo "ASan, LSan and UBSan (scripts/sanitize.sh):"
  cat build/meson-logs/asan-run.txt
  echo "ThreadSanitizer (scripts/tsan.sh):"
  cat build/meson-logs/tsan-run.txt
  FUZZ_SECONDS=${FUZZ_SECONDS:-5} scripts/fuzz.sh --num-processes 2 ||
    status=1
  logs="$logs build-asan/meson-logs/testlog.json build-tsan/meson-logs/testlog.json"
  logs="$logs build-fuzz/meson-logs/testlog.json"
fi

if [ -n "$nat_pid" ]; then
  wait "$nat_pid" || status=1
  echo "The NAT lab (meson test --suite nat, run alongside the others):"
  cat build/meson-logs/nat-run.txt
fi

if [ -f build/meson-logs/testlog.json ]; then
  python3 - $logs <<'PY'
import json, os, sys
passed = failed = skipped = 0
lines = []
for log in sys.argv[1:]:
    if os.path.exists(log):
        lines += open(log).readlines()
    else:
        failed += 1  # a run that left no log failed before testing
for line in lines:
    result = json.loads(line)["result"]
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
# CI reads the last line: the totals alone
print("%d skipped" % skipped)
print("%d passed, %d failed" % (passed, failed))
PY
fi
exit $status
