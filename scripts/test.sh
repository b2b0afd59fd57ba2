#!/bin/sh
# The README's second command: installs what the tests need, builds, and
# runs every suite with meson test, the NAT lab included when run as root.
# The services the tests need (coturn, the signalling server, the network
# namespaces of the NAT lab) are started by the tests themselves.  Ends
# with "N passed, N failed" alone on the last line.
set -u
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1

meson test -C build --print-errorlogs --num-processes 1 "$@"
status=$?

log=build/meson-logs/testlog.json
if [ -f "$log" ]; then
  python3 - "$log" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
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
