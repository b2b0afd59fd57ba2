#!/bin/sh
# Builds gst-ice with AddressSanitizer, LeakSanitizer and UBSan into
# ./build-asan and runs the C test suites there: any invalid access, leak
# or undefined behaviour fails a test.  scripts/test.sh runs it after the
# normal suites.  Extra arguments go to meson test.
set -u
cd "$(dirname "$0")/.."

if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    >/dev/null || exit 1
fi
ninja -C build-asan >/dev/null || exit 1

# The scanner helper is not instrumented and cannot load an instrumented
# plugin: scan in the test process.  Full stacks let the suppressions
# match GLib's own constructor allocation.
export GST_REGISTRY_FORK=no
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# the 100 start/stop cycles take five times longer under ASan; LSan checks
# leaks there, not the resident set
export GST_ICE_TEST_CYCLES=${GST_ICE_TEST_CYCLES:-20}

# Only the C suites (suite "c"): launch-lines and the NAT lab run
# uninstrumented gst-launch and nat-peer processes, which cannot load the
# instrumented plugin
exec meson test -C build-asan --print-errorlogs --num-processes 1 \
  --suite c "$@"
