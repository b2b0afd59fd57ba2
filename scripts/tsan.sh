#!/bin/sh
# Builds gst-ice with ThreadSanitizer into ./build-tsan and runs the C
# test suites there: any data race fails a test.  scripts/test.sh runs it
# after scripts/sanitize.sh.  Extra arguments go to meson test.
#
# GLib's GMutex and GCond are futexes that TSan cannot see: the tests
# preload tests/sanitizers/tsan-glib.c, which tells TSan about them (what
# that leaves unseen is written there).  The system libraries are not
# instrumented: ignore_noninstrumented_modules makes TSan check what their
# malloc, free and memcpy calls touch only when gst-ice or a test calls
# them (tests/sanitizers/tsan.supp says why, and holds what is suppressed).
set -u
cd "$(dirname "$0")/.."

if [ ! -f build-tsan/build.ninja ]; then
  meson setup build-tsan -Db_sanitize=thread -Db_lundef=false \
    >/dev/null || exit 1
fi
ninja -C build-tsan >/dev/null || exit 1

# As under ASan: the scanner helper is not instrumented and cannot load
# the instrumented plugin.
export GST_REGISTRY_FORK=no
# g_slice keeps its own free lists in GLib 2.74: with malloc, TSan sees a
# block freed and reused, not two objects sharing memory
export G_SLICE=always-malloc
# history_size: longer stacks for the earlier access of a race
export TSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/tsan.supp:ignore_noninstrumented_modules=1:history_size=4:second_deadlock_stack=1:print_suppressions=0"
# the 100 start/stop cycles take ten times longer under TSan
export GST_ICE_TEST_CYCLES=${GST_ICE_TEST_CYCLES:-20}

exec meson test -C build-tsan --print-errorlogs --num-processes 1 \
  --suite c "$@"
