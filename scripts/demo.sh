#!/bin/sh
# The README's first command: builds gst-ice, then streams H.264 video from
# a sender to a receiver through icesink and icesrc, with the embedded
# signalling server and every other default, for DURATION seconds (10).
#
# As root, both run in a network namespace of their own with two virtual
# interfaces, so the demo behaves the same on any machine and its traffic
# stays inside it; otherwise they run on this host's network.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
export GST_PLUGIN_PATH="$(pwd)/build/ext/ice"
duration=${DURATION:-10}

sender='gst-launch-1.0 videotestsrc is-live=true ! x264enc tune=zerolatency ! rtph264pay ! icesink run-signalling-server=true'
# a window where there is a display; without one, autovideosink may pick
# a sink that waits for a framebuffer forever (docs/notes.md): decode, drop
sink=autovideosink
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  sink=fakesink
fi
receiver="gst-launch-1.0 icesrc ! rtph264depay ! avdec_h264 ! videoconvert ! $sink"

run=""
if [ "$(id -u)" = 0 ] && ip netns list >/dev/null 2>&1; then
  ns=gstice-demo-$$
  ip netns add $ns
  trap 'for p in $(ip netns pids $ns 2>/dev/null); do kill -9 $p; done; ip netns del $ns 2>/dev/null' EXIT
  trap 'exit 130' INT TERM
  ip -n $ns link set lo up
  ip -n $ns link add v0 type veth peer name v1
  ip -n $ns addr add 203.0.113.10/24 dev v0
  ip -n $ns addr add 203.0.113.11/24 dev v1
  ip -n $ns link set v0 up
  ip -n $ns link set v1 up
  run="ip netns exec $ns"
fi

log=$(mktemp -d)
echo "sender:   $sender"
$run sh -c "exec $sender" >"$log/sender" 2>&1 </dev/null &
sender_pid=$!
sleep 1
echo "receiver: $receiver"
$run timeout -s INT -k 5 "$duration" sh -c "exec $receiver -m -v" \
  >"$log/receiver" 2>&1 </dev/null || true
kill -INT $sender_pid 2>/dev/null || true
sleep 1
kill -9 $sender_pid 2>/dev/null || true

pair=$(grep -o 'ice-selected-pair.*' "$log/receiver" | head -n 1 || true)
caps=$(grep -o 'avdec_h264.*src: caps = video/x-raw[^;]*' "$log/receiver" | head -n 1 || true)
if [ -n "$pair" ] && [ -n "$caps" ]; then
  echo "connected: $pair"
  echo "decoding:  ${caps#*caps = }"
  echo "demo OK: video streamed for ${duration}s through gst-ice"
  rm -rf "$log"
else
  echo "demo FAILED; logs in $log" >&2
  tail -n 20 "$log/sender" "$log/receiver" >&2
  exit 1
fi
