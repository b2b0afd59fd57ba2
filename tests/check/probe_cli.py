#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""gst-ice-probe as a user types it, on loopback: --help documents every
option and the exit status; bad input (a malformed or wrong URI, a local
port in use, a STUN port where nothing listens, a TURN user without a
password) gets a message naming the value, never a crash; and a probe of
a real coturn on two loopback addresses (so that it does RFC 5780) says
"no NAT" and that TURN works, or names the credentials it refuses.

  probe_cli.py GST_ICE_PROBE

No root needed (the NAT kinds are tests/nat/natprobe.py's)."""

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PROBE = None
failures = []


def check(condition, what, output=''):
    if condition:
        print('ok   %s' % what)
    else:
        failures.append(what)
        print('FAIL: %s\n--- output\n%s' % (what, output[-3000:]))


def probe(*args, **kwargs):
    run = subprocess.run([PROBE] + list(args), capture_output=True,
                         text=True, timeout=60, **kwargs)
    return run.returncode, run.stdout, run.stderr


def udp_port(keep=False):
    """A UDP port on 127.0.0.1 nothing listens on; with @keep, the socket
    that holds it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    if keep:
        return port, s
    s.close()
    return port


def port_free(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        for host in ('127.0.0.1', '127.0.0.2'):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind((host, port))
            except OSError:
                return False
            finally:
                s.close()
    return True


def start_coturn(workdir):
    """coturn on 127.0.0.1 and 127.0.0.2 (RFC 5780), user alice:secret;
    returns (process, port)."""
    while True:
        port = random.randrange(20000, 29000, 10)
        if all(port_free(port + i) for i in range(2)):
            break
    proc = subprocess.Popen([
        'turnserver', '-n', '--listening-ip=127.0.0.1',
        '--listening-ip=127.0.0.2', '--relay-ip=127.0.0.1',
        '--listening-port=%d' % port, '--min-port=%d' % (port + 2),
        '--max-port=%d' % (port + 9), '--realm=gst-ice.test',
        '--lt-cred-mech', '--user=alice:secret', '--no-tls', '--no-dtls',
        '--no-cli', '--allow-loopback-peers', '--no-stdout-log',
        '--simple-log', '--log-file=%s/coturn.log' % workdir,
        '--userdb=%s/turndb' % workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), 1).close()
            return proc, port
        except OSError:
            if time.time() > deadline:
                proc.kill()
                raise RuntimeError('coturn did not listen on %d' % port)
            time.sleep(0.05)


def test_help():
    status, out, err = probe('--help')
    check(status == 0, '--help exits 0', err)
    for option in ('--stun-server', '--turn-server', '--turn-servers-file',
                   '--turn-auth-secret-file', '--turn-tls-ca-file',
                   '--local-address', '--local-port', '--timeout',
                   'Exit status', 'Verdict:', 'Configure:'):
        check(option in out, '--help explains %s' % option, out)


def test_bad_input():
    cases = [
        (['--stun-server=stn://example.org'], "--stun-server: "),
        (['--stun-server=turn://u:p@127.0.0.1'],
         "--stun-server 'turn://u:p@127.0.0.1' is not a stun:// URI"),
        (['--turn-server=stun://127.0.0.1'],
         "--turn-server 'stun://127.0.0.1' is a stun:// URI"),
        (['--turn-server=turn://alice@127.0.0.1'],
         'or give the server\'s shared secret in --turn-auth-secret-file'),
        (['--stun-server=stun://127.0.0.1', '--local-address=eth0'],
         "--local-address 'eth0' is not an IP address"),
        (['--stun-server=stun://127.0.0.1', '--timeout=5'],
         '--timeout 5 is not between 100 and 60000'),
        (['--stun-server=stun://127.0.0.1', '--local-port=70000'],
         '--local-port 70000 is not between 0'),
        ([], 'nothing to probe'),
        (['--turn-servers-file=/nonexistent/servers'], '/nonexistent/servers'),
        (['--no-such-option'], '--no-such-option'),
        (['stun://127.0.0.1'], "unexpected argument 'stun://127.0.0.1'"),
    ]
    for args, expected in cases:
        status, out, err = probe(*args)
        check(status == 2 and expected in err,
              '%s: exit 2 and "%s"' % (' '.join(args) or '(nothing)',
                                        expected), out + err)


def test_closed_port_and_port_in_use(coturn_port):
    port = udp_port()
    status, out, err = probe('--stun-server=stun://127.0.0.1:%d' % port)
    check(status == 1 and 'nothing listens on UDP 127.0.0.1:%d' % port in out,
          'a STUN port where nothing listens is named (exit 1)', out + err)

    taken, holder = udp_port(keep=True)
    status, out, err = probe('--stun-server=stun://127.0.0.1:%d'
                             % coturn_port, '--local-address=127.0.0.1',
                             '--local-port=%d' % taken)
    holder.close()
    check(status == 2 and '127.0.0.1:%d' % taken in err and
          '--local-port' in err, 'a local port in use is named (exit 2)',
          out + err)


def test_probe_coturn(port, workdir):
    stun = 'stun://127.0.0.1:%d' % port
    status, out, err = probe('--stun-server=' + stun, '--turn-server='
                             'turn://alice:secret@127.0.0.1:%d' % port,
                             '--turn-server=turn://alice:secret@127.0.0.1:%d'
                             '?transport=tcp' % port, '--timeout=500')
    check(status == 0, 'a probe of coturn exits 0', out + err)
    check('RFC 5780:     yes: the server also answers from 127.0.0.2:%d'
          % (port + 1) in out, 'coturn on two addresses does RFC 5780', out)
    check('Verdict: no NAT' in out, 'loopback has no NAT', out)
    check('TURN over UDP: works: turn://alice:***@127.0.0.1' in out and
          'TURN over TCP: works' in out, 'TURN works over UDP and TCP', out)
    check('secret' not in out + err, 'the password is not shown', out)

    # a wrong password, from a file kept out of ps
    servers = os.path.join(workdir, 'servers')
    with open(servers, 'w') as f:
        f.write('# the TURN servers\nturn://alice:wrong@127.0.0.1:%d\n' % port)
    os.chmod(servers, 0o600)
    status, out, err = probe('--turn-servers-file=' + servers,
                             '--timeout=500')
    check(status == 1 and "TURN over UDP: fails: TURN server "
          "'turn://alice:***@127.0.0.1:%d' refused the credentials (401" % port
          in out, 'a wrong password is named, exit 1', out + err)
    check('asking stun://127.0.0.1:%d (the first TURN server)' % port in out,
          'without --stun-server, the TURN server is asked', out)
    check('wrong' not in out + err, 'the wrong password is not shown', out)


def main():
    global PROBE
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    PROBE = sys.argv[1]
    test_help()
    test_bad_input()
    if shutil.which('turnserver') is None:
        print('SKIP (partly): coturn is not installed; apt-get install '
              'coturn to run the probes of a real server')
        return 1 if failures else 0
    workdir = tempfile.mkdtemp(prefix='gst-ice-probe-')
    coturn, port = start_coturn(workdir)
    try:
        test_closed_port_and_port_in_use(port)
        test_probe_coturn(port, workdir)
    finally:
        coturn.terminate()
        coturn.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    print('%d failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
