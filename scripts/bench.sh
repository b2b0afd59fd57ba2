#!/bin/sh
# The benchmark (issue 12, docs/performance.md): icesink->icesrc against
# udpsink->udpsrc, nicesink->nicesrc and the sendmmsg/recvmmsg floor, side
# by side in one run.  Builds ./build, then runs scripts/bench.py, which
# prints the table and writes build/bench/bench.md, bench.json and
# bench.png.  Arguments go to bench.py: --quick (a few seconds, every row
# once), --rounds N, --seconds S, --rows throughput,loss,...  Not part of
# scripts/test.sh; the NAT-lab rows need root.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  meson setup build >/dev/null
fi
ninja -C build >/dev/null
# Debian's python3, where python3-matplotlib is, before any other on PATH
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" scripts/bench.py build "$@"
