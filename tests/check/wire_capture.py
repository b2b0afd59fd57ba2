#!/usr/bin/env python3
"""What an eavesdropper on the path sees.

A sender and a receiver (two gst-launch-1.0 processes, the README's
defaults plus a file to send) stream a file of a known pattern inside a
network namespace of their own, while tcpdump captures every packet there.
With the default settings the file arrives byte for byte and the pattern
appears nowhere in the capture; with encryption=false on both sides (the
control, which shows the capture does see the media) it does.

Needs root (namespaces, tcpdump): skips with exit 77 elsewhere.
"""
import os
import struct
import shutil
import subprocess
import sys
import tempfile
import time

CANARY = b"GST-ICE-CANARY"
SIZE = 200 * 1000
BLOCK = 1000
PORT = 8443


def log(text):
    print(text, flush=True)


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


class Namespace:
    def __init__(self):
        self.name = "gstice-cap-%d" % os.getpid()
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self.run(["ip", "link", "set", "lo", "up"])
        # host candidates come from interfaces other than loopback: two
        # ends of a veth pair, as in scripts/demo.sh
        self.run(["ip", "link", "add", "v0", "type", "veth", "peer", "name",
                  "v1"])
        for dev, address in (("v0", "203.0.113.10/24"),
                             ("v1", "203.0.113.11/24")):
            self.run(["ip", "addr", "add", address, "dev", dev])
            self.run(["ip", "link", "set", dev, "up"])

    def run(self, cmd, **kwargs):
        return subprocess.run(["ip", "netns", "exec", self.name] + cmd,
                              check=True, **kwargs)

    def spawn(self, cmd, log_path, **kwargs):
        return subprocess.Popen(["ip", "netns", "exec", self.name] + cmd,
                                stdout=open(log_path, "wb"),
                                stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, **kwargs)

    def close(self):
        out = subprocess.run(["ip", "netns", "pids", self.name],
                             capture_output=True, text=True).stdout
        for pid in out.split():
            try:
                os.kill(int(pid), 9)
            except OSError:
                pass
        subprocess.run(["ip", "netns", "del", self.name])


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def stream(ns, tmp, encryption):
    """Streams the pattern file once; returns (received bytes, capture)."""
    tag = "plain" if encryption == "false" else "dtls"
    pcap = os.path.join(tmp, tag + ".pcap")
    out = os.path.join(tmp, tag + ".out")
    dump_log = os.path.join(tmp, tag + "-tcpdump.log")
    # immediate mode: no block batching, so nothing waits in a half-full
    # block when tcpdump is stopped; a 64 MiB kernel buffer (-B, in KiB)
    # so a busy machine delays tcpdump without dropping packets
    dump = ns.spawn(["tcpdump", "-i", "any", "--immediate-mode", "-U",
                     "-B", "65536", "-w", pcap], dump_log)
    wait_for(lambda: b"listening on" in open(dump_log, "rb").read(), 10,
             "tcpdump to listen")

    extra = ["encryption=%s" % encryption]
    sender = ns.spawn(["gst-launch-1.0", "filesrc",
                       "location=" + os.path.join(tmp, "pattern"),
                       "blocksize=%d" % BLOCK, "!", "application/x-canary", "!",
                       "identity", "sleep-time=2000", "!", "icesink",
                       "run-signalling-server=true",
                       "signalling-server-host=127.0.0.1"] + extra,
                      os.path.join(tmp, tag + "-sender.log"))
    wait_for(lambda: subprocess.run(
        ["ip", "netns", "exec", ns.name, sys.executable, "-c",
         "import socket; socket.create_connection(('127.0.0.1', %d), 1)"
         % PORT], capture_output=True).returncode == 0, 10,
        "the sender's signalling server")
    receiver = ns.spawn(["gst-launch-1.0", "icesrc",
                         "signaller::uri=ws://127.0.0.1:%d" % PORT,
                         "eos-on-producer-leave=true"] + extra +
                        ["!", "filesink", "location=" + out],
                        os.path.join(tmp, tag + "-receiver.log"))
    for proc, name in ((sender, "sender"), (receiver, "receiver")):
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("the %s did not finish; logs in %s"
                                 % (name, tmp))
    # tcpdump may still be reading what the kernel queued for it, and
    # exits at SIGTERM without reading the rest (which it does not count
    # as dropped): on a busy machine it can fall seconds behind.  Stop it
    # once it wrote every media packet (or after 30 s: then the check
    # below says what it missed), and the capture stopped growing.
    try:
        wait_for(lambda: media_packets(pcap) >= SIZE // BLOCK, 30,
                 "tcpdump to write every media packet")
    except AssertionError:
        pass
    wait_for(settled(pcap), 20, "tcpdump to write every packet")
    dump.terminate()
    dump.wait(10)
    stats = open(dump_log, "rb").read().decode(errors="replace")
    if "\n0 packets dropped by kernel" not in stats:
        raise AssertionError("the capture has holes, it proves nothing: "
                             + stats)
    capture = open(pcap, "rb").read()
    # every 1000-byte buffer is one datagram of at least that size
    big = [n for n in packet_sizes(capture) if n >= BLOCK]
    log("%s: %d packets captured, %d of them of a buffer's size or more"
        % (tag, len(packet_sizes(capture)), len(big)))
    if len(big) < SIZE // BLOCK:
        raise AssertionError("the capture holds %d media packets, want %d: "
                             "it missed some" % (len(big), SIZE // BLOCK))
    return open(out, "rb").read(), capture


def packet_sizes(capture):
    """The captured length of each packet of a pcap file."""
    sizes, offset = [], 24
    while offset + 16 <= len(capture):
        length = struct.unpack_from("<I", capture, offset + 8)[0]
        sizes.append(length)
        offset += 16 + length
    return sizes


def media_packets(path):
    """How many packets of a buffer's size or more @path holds so far."""
    return len([n for n in packet_sizes(open(path, "rb").read())
                if n >= BLOCK])


def settled(path):
    """A condition: @path kept its size for half a second."""
    last = [-1, time.monotonic()]

    def check():
        size = os.path.getsize(path)
        if size != last[0]:
            last[0], last[1] = size, time.monotonic()
        return time.monotonic() - last[1] > 0.5
    return check


def main():
    if os.geteuid() != 0:
        skip("the capture needs root (network namespace, tcpdump)")
    if shutil.which("tcpdump") is None:
        skip("tcpdump is not installed (scripts/setup.sh installs it)")
    tmp = tempfile.mkdtemp(prefix="gst-ice-capture-")
    pattern = b"".join(CANARY + b"-%08d\n" % i
                       for i in range(SIZE // 24 + 1))[:SIZE]
    open(os.path.join(tmp, "pattern"), "wb").write(pattern)
    ns = Namespace()
    failed = []
    try:
        data, capture = stream(ns, tmp, "true")
        log("encrypted: %d of %d bytes arrived, capture of %d bytes holds "
            "the pattern %d times" % (len(data), len(pattern), len(capture),
                                      capture.count(CANARY)))
        if data != pattern:
            failed.append("encrypted: the file did not arrive whole")
        if CANARY in capture:
            failed.append("encrypted: the pattern is on the wire")

        data, capture = stream(ns, tmp, "false")
        log("plaintext: %d of %d bytes arrived, capture of %d bytes holds "
            "the pattern %d times" % (len(data), len(pattern), len(capture),
                                      capture.count(CANARY)))
        if data != pattern:
            failed.append("plaintext: the file did not arrive whole")
        if CANARY not in capture:
            failed.append("plaintext: the capture does not see the media")
    finally:
        ns.close()
    if failed:
        for f in failed:
            log("FAIL: " + f)
        log("logs in " + tmp)
        sys.exit(1)
    shutil.rmtree(tmp)
    log("the media is encrypted on the wire")


if __name__ == "__main__":
    main()
