#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz with clang, AddressSanitizer
# and UBSan into ./build-fuzz, and runs each for FUZZ_SECONDS (default 10)
# as the meson test suite "fuzz": scripts/test.sh counts them in its
# totals.  A longer run: FUZZ_SECONDS=600 scripts/fuzz.sh.  Extra
# arguments go to meson test (a target's name runs that one only:
# scripts/fuzz.sh fuzz-description).
set -u
cd "$(dirname "$0")/.."

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Dtests=disabled \
    -Dintrospection=disabled -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null || exit 1
fi
ninja -C build-fuzz >/dev/null || exit 1

exec meson test -C build-fuzz --print-errorlogs --num-processes 1 \
  --suite fuzz "$@"
