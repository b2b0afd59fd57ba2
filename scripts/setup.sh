#!/bin/sh
# Installs what gst-ice needs from Debian 12 packages (when run as root and
# something is missing) and builds it into ./build.  gstreamer1.0-nice
# (nicesink, nicesrc) and python3-matplotlib (the plot) are for the
# benchmark, scripts/bench.sh.
set -eu
cd "$(dirname "$0")/.."

packages="meson ninja-build pkg-config gcc
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libnice-dev libsoup-3.0-dev libjson-glib-dev libssl-dev glib-networking
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav
  gstreamer1.0-x
  coturn iproute2 iptables python3 valgrind indent openssl tcpdump libtsan2
  clang libclang-rt-14-dev
  gobject-introspection libgirepository1.0-dev python3-gi
  gir1.2-gstreamer-1.0 chromium
  mosquitto libmosquitto-dev
  gstreamer1.0-nice python3-matplotlib"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "gst-ice needs these Debian packages:$missing" >&2
    echo "run this script as root, or: sudo apt-get install$missing" >&2
    exit 1
  fi
  echo "installing:$missing"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends $missing >/dev/null
fi

if [ ! -f build/build.ninja ]; then
  meson setup build >/dev/null
fi
ninja -C build >/dev/null
echo "gst-ice built in $(pwd)/build"
