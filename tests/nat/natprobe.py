#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""gst-ice-probe in the NAT lab: one probe from a host behind each NAT
kind, each asserting the verdict a user would read; and a STUN server of
the RFC 3489 kind, which the probe names and which the elements name at
start and again when the session then fails.

  natprobe.py GST_ICE_PROBE NAT_PEER SIGNALLING_SERVER OUTDIR [NAME...]

Builds the LANs it needs with natlab.py's machinery.  coturn listens on
two public addresses (203.0.113.1 and .2), so that it does RFC 5780, and
for TLS on 5349 with a certificate made here; tests/legacy_stun_server.py
answers on 203.0.113.1:3490.  With NAMEs, runs only the probes (or the
session) of those names.  Writes each probe's output to
OUTDIR/nat-probe.txt.  Needs root; exits 77 (skipped) elsewhere.
docs/nat-probe.md shows the output for each kind."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import natlab  # noqa: E402

PUBLIC_IP2 = '203.0.113.2'
LEGACY_PORT = 3490
LEGACY_STUN = 'stun://%s:%d' % (natlab.PUBLIC_IP, LEGACY_PORT)
STUN = 'stun://%s:3478' % natlab.PUBLIC_IP
TURN_UDP = 'turn://user:pass@%s:3478' % natlab.PUBLIC_IP
TURN_TCP = TURN_UDP + '?transport=tcp'
TURNS = 'turns://user:pass@%s:5349' % natlab.PUBLIC_IP
# each request waits this long: the lab loses nothing
TIMEOUT_MS = 1000
LEGACY_SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', 'legacy_stun_server.py')


class Probe:
    """gst-ice-probe run on @host with @args (the lab's servers when
    None); its output must hold every line of @expect (regular
    expressions), and it must exit with @status."""

    def __init__(self, name, host, expect, status=0, args=None):
        self.name = name
        self.host = host
        self.expect = expect
        self.status = status
        self.args = args


# one per NAT kind of the lab; the CGN host has IPv4 only
PROBES = [
    Probe('no NAT', 'o1-h1', [
        r'^Mapping: +none',
        r'^Filtering: +endpoint-independent',
        r'^TURN over UDP: works: turn://user:\*\*\*@203\.0\.113\.1:3478 '
        r'relays from 203\.0\.113\.1:\d+$',
        r'^TURN over TCP: works: ',
        r'^TURN over TLS: works: turns://user:\*\*\*@203\.0\.113\.1:5349 ',
        r'^Verdict: no NAT: this host\'s address is public, and nothing '
        r'filters what comes in$',
    ]),
    Probe('full cone', 'f1-h1', [
        r'^Public: +203\.0\.113\.22:(\d+), seen by the server for local '
        r'192\.168\.12\.11:\1$',
        r'^Ports: +preserved',
        r'^Hairpinning: +yes',
        r'^Verdict: full-cone NAT \(endpoint-independent mapping and '
        r'filtering\)$',
        r'^Configure: stun-server=stun://203\.0\.113\.1:3478 on both sides: '
        r'peers behind any NAT, symmetric ones too, reach this host '
        r'directly$',
    ]),
    Probe('restricted cone', 'r1-h1', [
        r'^Filtering: +address-dependent',
        r'^Verdict: restricted-cone NAT \(endpoint-independent mapping, '
        r'address-dependent filtering\)$',
    ]),
    Probe('port-restricted cone', 'c1-h1', [
        r'^Mapping: +endpoint-independent',
        r'^Ports: +preserved',
        r'^Hairpinning: +no',
        r'^Verdict: port-restricted cone NAT \(endpoint-independent '
        r'mapping, address- and port-dependent filtering\)$',
        r'^Configure: stun-server=stun://203\.0\.113\.1:3478 on both sides '
        r'connects this host directly to peers with no NAT or a cone NAT; '
        r'for a peer behind a symmetric NAT add turn-servers=',
    ]),
    Probe('double NAT (cone behind cone)', 'din-h1', [
        r'^Verdict: port-restricted cone NAT ',
    ]),
    Probe('symmetric', 's1-h1', [
        r'^Mapping: +address- and port-dependent',
        r'^Ports: +not preserved',
        r'^Verdict: symmetric NAT \(address- and port-dependent mapping\)$',
        r'^Configure: turn-servers="<\\"turn://user:\*\*\*@203\.0\.113\.1:'
        r'3478\\", ',
    ]),
    Probe('carrier-grade NAT', 'g1-h2', [
        r'^Verdict: symmetric NAT \(address- and port-dependent mapping\), '
        r'run by the carrier \(carrier-grade NAT: this host\'s address is '
        r'in 100\.64\.0\.0/10, RFC 6598\)$',
    ]),
    Probe('UDP blocked', 'u1-h1', [
        r'^STUN server: +stun-server \'stun://203\.0\.113\.1:3478\' '
        r'\(203\.0\.113\.1:3478\) did not answer a Binding request within '
        r'1000 ms',
        r'^TURN over UDP: fails: TURN server \'turn://user:\*\*\*@'
        r'203\.0\.113\.1:3478\' did not answer',
        r'^TURN over TCP: works: ',
        r'^Verdict: UDP is blocked on the way to the servers',
        r'^Configure: turn-servers="<\\"turn://user:\*\*\*@203\.0\.113\.1:'
        r'3478\?transport=tcp\\", \\"turns://',
    ], status=1),
    Probe('pre-RFC 5389 STUN server', 'c1-h1', [
        r'^STUN server: +stun-server \'%s\' \(203\.0\.113\.1:%d\) answers '
        r'in the pre-RFC 5389 form \(RFC 3489: a MAPPED-ADDRESS without '
        r'XOR-MAPPED-ADDRESS\)' % (re.escape(LEGACY_STUN), LEGACY_PORT),
        r'^Verdict: behaviour unknown: the STUN server predates RFC 5389',
    ], status=1, args=['--stun-server=' + LEGACY_STUN]),
    Probe('unreachable STUN server', 'c1-h1', [
        r'^STUN server: +stun-server \'stun://198\.51\.100\.9:3478\' '
        r'\(198\.51\.100\.9:3478\) did not answer a Binding request within '
        r'1000 ms',
    ], status=1, args=['--stun-server=stun://198.51.100.9']),
]

# the LANs the probes and the session need (din sits behind dout)
LANS = ['o1', 'f1', 'r1', 'c1', 'dout', 'din', 's1', 'g1', 'u1']


def make_certificate(workdir):
    """A self-signed certificate for 203.0.113.1 (its own CA)."""
    cert = os.path.join(workdir, 'turn-cert.pem')
    key = os.path.join(workdir, 'turn-key.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                    'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
                    '-subj', '/CN=%s' % natlab.PUBLIC_IP, '-addext',
                    'subjectAltName=IP:%s' % natlab.PUBLIC_IP, '-addext',
                    'basicConstraints=critical,CA:TRUE', '-keyout', key,
                    '-out', cert], check=True, capture_output=True)
    return cert, key


def start_services(lab):
    """coturn on two addresses with TLS, the signalling server, and the
    RFC 3489 server."""
    lab.ip('pub', 'addr add %s/24 dev br0' % PUBLIC_IP2)
    cert, key = make_certificate(lab.workdir)
    lab.start_services(['--listening-ip=' + natlab.PUBLIC_IP,
                        '--listening-ip=' + PUBLIC_IP2,
                        '--tls-listening-port=5349', '--cert=' + cert,
                        '--pkey=' + key])
    legacy = subprocess.Popen(
        ['ip', 'netns', 'exec', lab.ns('pub'), sys.executable,
         LEGACY_SERVER, '--host', natlab.PUBLIC_IP, '--port',
         str(LEGACY_PORT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, start_new_session=True)
    lab.procs.append(legacy)
    line = legacy.stdout.readline()
    if not line.startswith('LISTENING'):
        raise RuntimeError('legacy_stun_server.py did not start: %r' % line)
    return cert


def run_probe(lab, probe_exe, probe, ca_file):
    args = probe.args or ['--stun-server=' + STUN, '--turn-server=' +
                          TURN_UDP, '--turn-server=' + TURN_TCP,
                          '--turn-server=' + TURNS]
    cmd = ['ip', 'netns', 'exec', lab.ns(probe.host), probe_exe,
           '--timeout=%d' % TIMEOUT_MS, '--turn-tls-ca-file=' + ca_file] + args
    start = time.time()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    elapsed = time.time() - start
    out = result.stdout
    problems = []
    for pattern in probe.expect:
        if not re.search(pattern, out, re.MULTILINE):
            problems.append('no line matches %r' % pattern)
    if result.returncode != probe.status:
        problems.append('exit status %d, want %d' % (result.returncode,
                                                     probe.status))
    verdict = [line for line in out.splitlines()
               if line.startswith('Verdict:')]
    print('%-4s %-32s %4.1f s  %s' % ('FAIL' if problems else 'ok',
                                      probe.name, elapsed,
                                      verdict[0] if verdict else '-'),
          flush=True)
    if problems:
        for p in problems:
            print('  - %s' % p)
        print('--- output of %s\n%s%s' % (' '.join(cmd[4:]), out,
                                         result.stderr))
    with open(os.path.join(lab.outdir, 'nat-probe.txt'), 'a') as f:
        f.write('## %s (%s, %.1f s)\n$ gst-ice-probe %s\n%s\n' % (
            probe.name, probe.host, elapsed, ' '.join(cmd[5:]), out))
    return problems


def expect_legacy_failure(tx, rx):
    """The session fails; the error blames the STUN server first, and
    still says that TURN would help."""
    problems = natlab.expect_failure(tx, rx)
    text = rx.get('error') or ''
    name = "stun-server '%s'" % LEGACY_STUN
    if name not in text or 'pre-RFC 5389' not in text:
        problems.append('error does not name the pre-RFC 5389 server: %r'
                        % text[:400])
    elif text.index(name) > text.index('TURN'):
        problems.append('error blames TURN before the STUN server: %r'
                        % text[:400])
    if name not in (rx.get('warning') or ''):
        problems.append('no warning naming the server at start: %r'
                        % rx.get('warning'))
    return problems


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        return 2
    probe_exe, nat_peer, server, outdir = [os.path.abspath(a)
                                           for a in sys.argv[1:5]]
    only = sys.argv[5:]
    if os.geteuid() != 0 or subprocess.run(
            ['ip', 'netns', 'list'], capture_output=True).returncode != 0:
        print('SKIP: the NAT lab needs root and network namespaces '
              '(it builds NAT routers with iptables in namespaces)')
        return 77
    for tool in ('iptables', 'turnserver', 'openssl'):
        if shutil.which(tool) is None:
            print('SKIP: %s is not installed (scripts/setup.sh installs it)'
                  % tool)
            return 77
    lab = natlab.Lab(nat_peer, server, outdir)

    def interrupted(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupted)

    failures = 0
    start = time.time()
    # every probe's output, for docs/nat-probe.md
    open(os.path.join(outdir, 'nat-probe.txt'), 'w').close()
    try:
        lab.build(LANS)
        ca_file = start_services(lab)
        print('lab built and servers started in %.0f s' % (time.time() -
                                                           start))
        for probe in PROBES:
            if not only or probe.name in only:
                failures += bool(run_probe(lab, probe_exe, probe, ca_file))
        # a port-restricted cone and a symmetric NAT need TURN; with the
        # RFC 3489 server's warning at start, the failure names it too
        cell = natlab.Cell('cone x symmetric, pre-RFC 5389 STUN, no TURN',
                           'c1-h1', 's1-h1', 'stun-server=' + LEGACY_STUN,
                           expect_legacy_failure, min_share=None,
                           must_fail=True)
        if not only or cell.name in only:
            row = lab.run_cell(len(natlab.CELLS), cell)
            print('%-4s %-32s %4.1f s  %s' % (row['result'], cell.name,
                                              row['seconds'], row['note']))
            failures += row['result'] != 'ok'
    except KeyboardInterrupt:
        print('interrupted: removing the lab')
        return 1
    finally:
        lab.cleanup()
    print('\ndone in %.0f s, %d failed%s' % (
        time.time() - start, failures,
        '; logs kept in %s' % lab.workdir if failures else ''))
    if not failures:
        shutil.rmtree(lab.workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
