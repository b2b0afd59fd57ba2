#!/bin/sh
# Builds gst-ice with AddressSanitizer, LeakSanitizer and UBSan into
# ./build-asan and runs the C test suites there: any invalid access, leak
# or undefined behaviour fails a test.  scripts/test.sh runs it after the
# normal suites.  Extra arguments go to meson test.
set -u
cd "$(dirname "$0")/.."

# No introspection here: g-ir-scanner runs a program linked with the
# instrumented library, which the sanitizers then stop; the typelib is
# tested in the normal build.
if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    -Dintrospection=disabled >/dev/null || exit 1
fi
ninja -C build-asan >/dev/null || exit 1

# The scanner helper is not instrumented and cannot load an instrumented
# plugin: scan in the test process.  Full stacks let the suppressions
# match GLib's own constructor allocation.
export GST_REGISTRY_FORK=no
# The slow unwinder: GLib, GStreamer and OpenSSL have no frame pointers,
# and leak stacks must reach the frames lsan.supp names.  Fifteen frames
# are enough for those; the default thirty made each malloc so slow that
# a TLS handshake outlived the signalling server's 10 s register timeout.
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=15
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# the 100 start/stop cycles take five times longer under ASan; LSan checks
# leaks there, not the resident set
export GST_ICE_TEST_CYCLES=${GST_ICE_TEST_CYCLES:-20}
# 100 MQTT producer/consumer pairs in one process take over a minute here
export GST_ICE_TEST_FLEET=${GST_ICE_TEST_FLEET:-10}

# Only the C suites (suite "c"): launch-lines and the NAT lab run
# uninstrumented gst-launch and nat-peer processes, which cannot load the
# instrumented plugin
# A fresh build dir has no registry yet: the first suite would scan every
# installed plugin in its own process (GST_REGISTRY_FORK=no), and LSan
# would report what other plugins keep (OpenNI2's udev monitor, pango's
# font thread).  Scan once here, without leak checks.
GST_PLUGIN_PATH_1_0=$PWD/build-asan/ext/ice \
  GST_REGISTRY_1_0=$PWD/build-asan/tests/check/check-registry.bin \
  ASAN_OPTIONS=detect_leaks=0 CK_RUN_SUITE=none \
  build-asan/tests/check/candidate >/dev/null 2>&1

exec meson test -C build-asan --print-errorlogs --num-processes 1 \
  --suite c "$@"
