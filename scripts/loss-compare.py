#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""gst-ice and SRT over the same lossy link, as issue 11 measured them.

  scripts/loss-compare.py [BUILD_DIR]      (about 1 minute)

Two network namespaces joined by a veth pair, each dropping a share of the
UDP packets it sends (iptables' statistic match); a file of 2,000 numbered
1000-byte blocks sent one every 2 ms by gst-launch-1.0 (filesrc ! identity
sleep-time=2000) through icesink -> icesrc, and through srtsink -> srtsrc
(both at their default latency, 125 ms), each receiver writing what
arrived to a file.  Prints a Markdown table: packets delivered, and how
many of the last 100 are missing (what a close drops).

Needs root, and srtsink/srtsrc (Debian: gstreamer1.0-plugins-bad) for the
SRT rows; exits 77 without root."""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

COUNT = 2000
BLOCK = 1000
A, B = '198.51.100.1', '198.51.100.2'


def run(ns, cmd, **kw):
    return subprocess.run(['ip', 'netns', 'exec', ns] + cmd, check=True,
                          capture_output=True, **kw)


def spawn(ns, cmd, log):
    return subprocess.Popen(['ip', 'netns', 'exec', ns] + cmd,
                            stdout=open(log, 'wb'), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)


class Link:
    def __init__(self):
        tag = secrets.token_hex(3)
        self.ns = ['gstice-loss-%s-a' % tag, 'gstice-loss-%s-b' % tag]
        for ns in self.ns:
            subprocess.run(['ip', 'netns', 'add', ns], check=True)
            run(ns, ['ip', 'link', 'set', 'lo', 'up'])
        subprocess.run(['ip', 'link', 'add', 'lossa', 'netns', self.ns[0],
                        'type', 'veth', 'peer', 'name', 'lossb', 'netns',
                        self.ns[1]], check=True)
        for ns, dev, addr in ((self.ns[0], 'lossa', A),
                              (self.ns[1], 'lossb', B)):
            run(ns, ['ip', 'addr', 'add', addr + '/24', 'dev', dev])
            run(ns, ['ip', 'link', 'set', dev, 'up'])
            run(ns, ['iptables', '-N', 'LOSS'])
            run(ns, ['iptables', '-A', 'OUTPUT', '-o', dev, '-p', 'udp',
                     '-j', 'LOSS'])

    def set_loss(self, p):
        for ns in self.ns:
            run(ns, ['iptables', '-F', 'LOSS'])
            if p > 0:
                run(ns, ['iptables', '-A', 'LOSS', '-m', 'statistic',
                         '--mode', 'random', '--probability', str(p),
                         '-j', 'DROP'])

    def close(self):
        for ns in self.ns:
            out = subprocess.run(['ip', 'netns', 'pids', ns],
                                 capture_output=True, text=True).stdout
            for pid in out.split():
                try:
                    os.kill(int(pid), 9)
                except OSError:
                    pass
            subprocess.run(['ip', 'netns', 'del', ns])


def count(path):
    data = open(path, 'rb').read() if os.path.exists(path) else b''
    seen = set()
    for i in range(0, len(data) - BLOCK + 1, BLOCK):
        head = data[i:i + 8]
        if head.isdigit():
            seen.add(int(head))
    return seen


def wait_listening(ns, port):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if subprocess.run(['ip', 'netns', 'exec', ns, sys.executable, '-c',
                           'import socket; socket.create_connection(("%s", '
                           '%d), 1)' % (A, port)],
                          capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError('nothing listens on %s:%d' % (A, port))


def stream(link, tmp, kind, props):
    out = os.path.join(tmp, 'received')
    if os.path.exists(out):
        os.unlink(out)
    # caps: icesink describes its stream to a consumer by them, and
    # filesrc sets none
    src = ['filesrc', 'location=' + os.path.join(tmp, 'blocks'),
           'blocksize=%d' % BLOCK, '!', 'application/x-numbered', '!',
           'identity', 'sleep-time=2000', '!']
    if kind == 'srt':
        receiver = spawn(link.ns[1], ['gst-launch-1.0', '-e', 'srtsrc',
                                      'uri=srt://:7001', '!', 'filesink',
                                      'location=' + out],
                         os.path.join(tmp, 'rx.log'))
        time.sleep(1)
        sender = spawn(link.ns[0], ['gst-launch-1.0'] + src +
                       ['srtsink', 'uri=srt://%s:7001' % B],
                       os.path.join(tmp, 'tx.log'))
    else:
        sender = spawn(link.ns[0], ['gst-launch-1.0'] + src +
                       ['icesink', 'run-signalling-server=true',
                        'signalling-server-host=' + A,
                        'local-addresses=' + A, 'ice-tcp=false'] + props,
                       os.path.join(tmp, 'tx.log'))
        wait_listening(link.ns[1], 8443)
        receiver = spawn(link.ns[1], ['gst-launch-1.0', '-e', 'icesrc',
                                      'signaller::uri=ws://%s:8443' % A,
                                      'local-addresses=' + B,
                                      # the link drops UDP: no ICE-TCP pair
                                      'ice-tcp=false',
                                      'eos-on-producer-leave=true'] + props +
                         ['!', 'filesink', 'location=' + out],
                         os.path.join(tmp, 'rx.log'))
    try:
        sender.wait(60)
    except subprocess.TimeoutExpired:
        # icesink waits for a consumer forever: ICE failed (rx.log says)
        os.killpg(sender.pid, 9)
        sender.wait(10)
    # what a receiver still gets once the sender is gone, then stop it
    try:
        receiver.wait(3)
    except subprocess.TimeoutExpired:
        os.killpg(receiver.pid, 2)
        receiver.wait(10)
    return count(out)


def main():
    if os.geteuid() != 0:
        print('SKIP: needs root (network namespaces, iptables)')
        return 77
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), '..', 'build')
    os.environ['GST_PLUGIN_PATH_1_0'] = os.path.abspath(
        os.path.join(build, 'ext', 'ice'))
    has_srt = subprocess.run(['gst-inspect-1.0', 'srtsink'],
                             capture_output=True).returncode == 0
    tmp = tempfile.mkdtemp(prefix='gst-ice-loss-')
    with open(os.path.join(tmp, 'blocks'), 'wb') as f:
        for i in range(COUNT):
            f.write((b'%08d' % i).ljust(BLOCK, b'.'))
    rows = []
    link = Link()
    try:
        for loss in (0.05, 0.10):
            link.set_loss(loss)
            runs = [('srtsink -> srtsrc, latency 125 ms', 'srt', [])] \
                if has_srt else []
            runs += [('icesink -> icesrc, latency=0 (off)', 'ice',
                      ['latency=0']),
                     ('icesink -> icesrc, latency 125 ms (default)', 'ice',
                      [])]
            for name, kind, props in runs:
                seen = stream(link, tmp, kind, props)
                tail = sum(1 for i in range(COUNT - 100, COUNT)
                           if i not in seen)
                rows.append('| %d %% | %s | %d (%.1f %%) | %d |'
                            % (loss * 100, name, len(seen),
                               100.0 * len(seen) / COUNT, tail))
                print(rows[-1], flush=True)
    finally:
        link.close()
    shutil.rmtree(tmp)
    print('\n| loss each way | sender -> receiver | delivered of %d | of '
          'the last 100 missing |\n|---|---|---|---|' % COUNT)
    print('\n'.join(rows))
    if not has_srt:
        print('\n(no SRT rows: install gstreamer1.0-plugins-bad)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
