#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The NAT lab: real network namespaces, NAT routers made with iptables, a
real coturn and the real signalling server, and a matrix of cells in which
a real icesink streams numbered RTP packets to a real icesrc.

  natlab.py NAT_PEER SIGNALLING_SERVER OUTDIR [CELL...]

The public segment is a bridge in its own namespace (203.0.113.0/24, and
2001:db8::/64 for IPv6) with coturn (STUN and TURN over UDP and TCP on
203.0.113.1:3478) and the signalling server (ws://203.0.113.1:8443).  Each
private LAN is a bridge in a router namespace, with host namespaces on it;
the router applies one NAT kind (see ROUTER_RULES), and routes IPv6 to the
LANs that have it (IPV6_HOSTS).  Every name starts with a per-run prefix,
and all of it is removed on exit, failure or interrupt.

Prints a table of the cells and writes it to OUTDIR/nat-matrix.md.  The
reliable-mode cells stream NATLAB_RELIABLE_MIB MiB (default 16).  Needs
root; exits 77 (skipped) elsewhere.  docs/nat-traversal.md explains it."""

import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
import pastelines  # noqa: E402

PUBLIC_IP = '203.0.113.1'
# the public IPv6 segment; each dual-stack LAN gets a /64 routed to it
PUBLIC_IP6 = '2001:db8::1'
PACKETS = 300
SIGNALLING = 'signaller::uri=ws://%s:8443' % PUBLIC_IP
STUN = 'stun-server=stun://%s:3478' % PUBLIC_IP
TURN_UDP = 'turn://user:pass@%s:3478' % PUBLIC_IP
TURN_TCP = TURN_UDP + '?transport=tcp'
TURN = 'turn-servers="<\\"%s\\", \\"%s\\">"' % (TURN_UDP, TURN_TCP)
SERVERS = ' '.join([STUN, TURN])
# TURN over UDP only: a relay over TCP would hide UDP loss
SERVERS_UDP = '%s turn-servers="<\\"%s\\">"' % (STUN, TURN_UDP)
# the transport gives up after 20 s without a working pair
FAIL_BOUND_S = 30
# the reliable cells: 16 MiB of seeded random bytes by default, to keep
# the matrix short; NATLAB_RELIABLE_MIB=50 makes them the 50 MiB runs
# docs/robustness.md reports (nat-peer counts KiB)
RELIABLE_MIB = int(os.environ.get('NATLAB_RELIABLE_MIB') or 16)
RELIABLE_KIB = RELIABLE_MIB * 1024
RELIABLE_ENV = {'NAT_PEER_MODE': 'reliable', 'NAT_PEER_IDLE_S': '30'}

# iptables rules of each router kind; WAN is "wan", the LAN bridge "lan"
NAT_CONE = [
    '-t nat -A POSTROUTING -o wan -j MASQUERADE',
    # without these, an early packet from the peer creates a conntrack
    # entry that steals the mapping: the NAT would behave as symmetric
    '-A INPUT -i wan -m conntrack --ctstate NEW -j DROP',
    '-A FORWARD -i wan -m conntrack --ctstate NEW -j DROP',
]
ROUTER_RULES = {
    'open': [],
    'cone': NAT_CONE,
    'symmetric': [
        '-t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully',
        '-A INPUT -i wan -m conntrack --ctstate NEW -j DROP',
        '-A FORWARD -i wan -m conntrack --ctstate NEW -j DROP',
    ],
    'udp-blocked': NAT_CONE + ['-A FORWARD -p udp -j DROP'],
    'lossy-cone': NAT_CONE + [
        '-A FORWARD -p udp -m statistic --mode random --probability 0.05 '
        '-j DROP'],
}
# carrier-grade NAT (RFC 6598 addresses inside) is symmetric
ROUTER_RULES['cgn'] = ROUTER_RULES['symmetric']
# The cones of RFC 3489 that Linux does not make by itself, for the probe
# (tests/nat/natprobe.py), on LANs of one host ({host}; {wan} is the
# router's public address, {net} its LAN's /24): every UDP packet to the
# public address goes to the host, at the port it came to, which is the
# host's own since MASQUERADE keeps ports it can.  The full cone lets
# anyone in, and hairpins: the host's packets to its public address come
# back in from that address.  The restricted cone lets in new flows only
# from addresses the LAN has sent to, from any of their ports.
ROUTER_RULES['full-cone'] = [
    '-t nat -A POSTROUTING -o wan -j MASQUERADE',
    '-t nat -A PREROUTING -d {wan} -p udp -j DNAT --to-destination {host}',
    '-t nat -A POSTROUTING -o lan -s {net}.0/24 -d {host} -j SNAT '
    '--to-source {wan}',
]
ROUTER_RULES['restricted-cone'] = [
    '-t nat -A POSTROUTING -o wan -j MASQUERADE',
    '-t nat -A PREROUTING -i wan -p udp -j DNAT --to-destination {host}',
    '-A FORWARD -o wan -m recent --name sent --rdest --set',
    '-A FORWARD -i wan -m conntrack --ctstate NEW -m recent --name sent '
    '--rsource --rcheck -j ACCEPT',
    '-A FORWARD -i wan -m conntrack --ctstate NEW -j DROP',
    '-A INPUT -i wan -m conntrack --ctstate NEW -j DROP',
]
# ip6tables rules: IPv6 is routed, not translated; a stateful firewall lets
# in only what answers something sent from the LAN, as home routers do
ROUTER_RULES6 = {
    'cgn': ['-A FORWARD -i wan -m conntrack --ctstate NEW -j DROP'],
}

# LAN name: (router kind, hosts, behind which LAN's router, or None for
# the public bridge).  "d-in" is a cone behind the cone "d-out".
LANS = {
    'o1': ('open', 1, None),
    'o2': ('open', 1, None),
    'c1': ('cone', 2, None),
    'c2': ('cone', 1, None),
    's1': ('symmetric', 1, None),
    's2': ('symmetric', 1, None),
    'u1': ('udp-blocked', 1, None),
    'l1': ('lossy-cone', 1, None),
    'dout': ('cone', 0, None),
    'din': ('cone', 1, 'dout'),
    'g1': ('cgn', 3, None),
    'g2': ('cgn', 2, None),
    'f1': ('full-cone', 1, None),
    'r1': ('restricted-cone', 1, None),
}
# LANs with a global IPv6 prefix and the hosts that have IPv6 there; their
# other hosts have IPv6 turned off.  Elsewhere hosts have only link-local
# IPv6 (fe80::), as on a LAN without IPv6 service.
IPV6_HOSTS = {
    'g1': [1, 3],
    'g2': [1],
}


def relay(t):
    return t == 'relay'


def expect_pair(check):
    """Wraps a check of (sender local type, receiver local type)."""
    def expect(tx, rx):
        a = tx.get('local-candidate-type')
        b = rx.get('local-candidate-type')
        if a is None or b is None:
            return ['no selected pair (sender %s, receiver %s)' % (a, b)]
        message = check(a, b)
        return [message] if message else []
    return expect


def expect_failure(tx, rx):
    text = rx.get('error') or ''
    problems = []
    if 'no candidate pair worked' not in text:
        problems.append('error does not say "no candidate pair worked": %r'
                        % text[:300])
    if 'TURN' not in text:
        problems.append('error does not mention TURN: %r' % text[:300])
    if rx.get('received'):
        problems.append('%d packets arrived without a pair'
                        % rx['received'])
    return problems


def expect_host_pair(check_address):
    """Host-host on both ends, and every address of both pairs passing
    @check_address, which returns what is wrong with one or None."""
    def expect(tx, rx):
        problems = []
        for who, result in (('sender', tx), ('receiver', rx)):
            types = (result.get('local-candidate-type'),
                     result.get('remote-candidate-type'))
            if types != ('host', 'host'):
                problems.append('%s: want host-host, got %s-%s'
                                % ((who,) + types))
            for end in ('local-address', 'remote-address'):
                try:
                    address = ipaddress.ip_address(result.get(end) or '')
                except ValueError:
                    problems.append('%s: no %s' % (who, end))
                    continue
                wrong = check_address(address)
                if wrong:
                    problems.append('%s: %s %s is %s'
                                    % (who, end, address, wrong))
        return problems
    return expect


def global_ipv6(address):
    if address.version != 6 or \
            address not in ipaddress.ip_network('2000::/3'):
        return 'not a global IPv6 address'
    return None


def not_link_local(address):
    return 'link-local' if address.is_link_local else None


def turn_over_tcp_from(lan):
    """The UDP-blocked side must have reached coturn over TCP."""
    def check(lab):
        wan = lab.wan_ips[lan + '-r']
        log = open(os.path.join(lab.workdir, 'coturn.log'),
                   errors='replace').read()
        if 'tcp or tls connected to: %s:' % wan not in log:
            return ['coturn saw no TCP connection from %s (%s)' % (lan, wan)]
        return []
    return check


class Cell:
    """One cell: @sender streams to @receiver, both with @props.  @expect
    checks both results and returns problems.  @min_share of the @count
    packets must arrive (None: no share is checked).  @must_fail cells
    pass when ICE fails in time with the right error.  @lab_check looks
    at the lab afterwards; @during(lab) runs in a thread while the cell
    streams; @env goes to both nat-peers.  @terminal cells use no server:
    the copy-and-paste signaller, its lines pasted across.  @show_pair
    puts the sender's pair addresses in the table's note."""

    def __init__(self, name, sender, receiver, props, expect,
                 min_share=0.99, must_fail=False, lab_check=None,
                 during=None, env=None, count=PACKETS, terminal=False,
                 wait_s=90, show_pair=False):
        self.name = name
        self.sender = sender
        self.receiver = receiver
        self.props = props
        self.expect = expect
        self.min_share = min_share
        self.must_fail = must_fail
        self.lab_check = lab_check
        self.during = during
        self.wait_s = wait_s
        self.env = env or {}
        self.count = count
        self.terminal = terminal
        self.show_pair = show_pair


def cut_udp(lan, after_s, for_s):
    """Drops every UDP packet the router of @lan forwards, from @after_s
    seconds after the stream started, for @for_s seconds: longer than ICE
    consent lasts."""
    def during(lab):
        rule = ['FORWARD', '-p', 'udp', '-j', 'DROP']
        lab.wait_streaming()
        time.sleep(after_s)
        lab.run(lan + '-r', ['iptables', '-I'] + rule)
        time.sleep(for_s)
        lab.run(lan + '-r', ['iptables', '-D'] + rule)
    return during


def expect_restart(resume_bound_s=None, warning=None):
    """The stream stopped, an ICE restart of the same session brought it
    back (within @resume_bound_s), and packets flowed again; @warning,
    when given, is what the receiver must have said meanwhile."""
    def expect(tx, rx):
        problems = []
        if not rx.get('restarts'):
            problems.append('the receiver did no ICE restart')
        if rx.get('resume-ms') is None:
            problems.append('no ICE restart completed')
        elif resume_bound_s and rx['resume-ms'] > resume_bound_s * 1000:
            problems.append('resumed after %d ms, bound is %d s'
                            % (rx['resume-ms'], resume_bound_s))
        if (rx.get('longest-gap-ms') or 0) < 1000:
            problems.append('no gap: %s ms' % rx.get('longest-gap-ms'))
        if (rx.get('received-after-gap') or 0) < 100:
            problems.append('only %s packets after the gap, want 100'
                            % rx.get('received-after-gap'))
        if warning and warning not in (rx.get('warning') or ''):
            problems.append('no %r warning: %r' % (warning,
                                                   rx.get('warning')))
        return problems
    return expect


def expect_no_restart():
    """Neither side restarted ICE: the stream went on on its pair."""
    def expect(tx, rx):
        return ['the %s restarted ICE %d time(s)' % (who, r['restarts'])
                for who, r in (('sender', tx), ('receiver', rx))
                if r.get('restarts')]
    return expect


def expect_stream(pair_check=None):
    """The reliable transfer mode: every byte arrived, in order (the
    SHA-256 of what came is that of the seeded stream the receiver makes
    again), then the producer's clean end (EOS), and the sender saw its
    consumer take all of it (its EOS); @pair_check as expect_pair's."""
    def expect(tx, rx):
        problems = []
        want = (rx.get('count') or 0) * 1024
        if rx.get('bytes') != want:
            problems.append('%s of %d bytes arrived' % (rx.get('bytes'), want))
        if not rx.get('sha256') or \
                rx.get('sha256') != rx.get('expected-sha256'):
            problems.append('the bytes differ from the stream sent (first '
                            'at byte %s)' % rx.get('first-mismatch'))
        if not rx.get('eos'):
            problems.append('the receiver saw no EOS')
        if not tx.get('eos'):
            problems.append('the sender never posted EOS (its consumer did '
                            'not take the whole stream)')
        if tx.get('sha256') != rx.get('sha256'):
            problems.append('the sender sent other bytes than arrived')
        if pair_check:
            problems += expect_pair(pair_check)(tx, rx)
        return problems
    return expect


def blackout(lan, after_s, for_s):
    """Drops every packet between the peers (UDP, and TURN over TCP) at
    the router of @lan for @for_s seconds; signalling still passes."""
    rules = [['FORWARD', '-p', 'udp', '-j', 'DROP'],
             ['FORWARD', '-p', 'tcp', '--dport', '3478', '-j', 'DROP'],
             ['FORWARD', '-p', 'tcp', '--sport', '3478', '-j', 'DROP']]

    def during(lab):
        lab.wait_streaming()
        time.sleep(after_s)
        for rule in rules:
            lab.run(lan + '-r', ['iptables', '-I'] + rule)
        time.sleep(for_s)
        for rule in rules:
            lab.run(lan + '-r', ['iptables', '-D'] + rule)
    return during


def new_router_address(lan, after_s):
    """The router of @lan gets another public address mid-stream, as a
    carrier gives a home router a new one: its old mappings die."""
    def during(lab):
        lab.wait_streaming()
        time.sleep(after_s)
        router = lan + '-r'
        old = lab.wan_ips[router]
        new = old.rsplit('.', 1)[0] + '.2%s' % old.rsplit('.', 1)[1][-2:]
        lab.ip(router, 'addr del %s/24 dev wan' % old)
        lab.ip(router, 'addr add %s/24 dev wan' % new)
        lab.ip(router, 'route add default via %s' % PUBLIC_IP)
        lab.wan_ips[router] = new
    return during


def another_lan_address(address):
    """@address's neighbour 100 up on its /24."""
    prefix, last = address.rsplit('.', 1)
    return '%s.%d' % (prefix, int(last) + 100)


def new_host_address(host, after_s):
    """@host gets another address on its LAN mid-stream (a new DHCP
    lease): its sockets on the old one are useless."""
    def during(lab):
        lab.wait_streaming()
        time.sleep(after_s)
        old = lab.host_ips[host]
        new = another_lan_address(old)
        gateway = old.rsplit('.', 1)[0] + '.1'
        lab.ip(host, 'addr del %s/24 dev eth0' % old)
        lab.ip(host, 'addr add %s/24 dev eth0' % new)
        lab.ip(host, 'route add default via %s' % gateway)
        lab.host_ips[host] = new
    return during


def gain_host_address(host, after_s):
    """@host gets a second address on its LAN mid-stream and keeps its
    first: the pair in use still works."""
    def during(lab):
        lab.wait_streaming()
        time.sleep(after_s)
        old = lab.host_ips[host]
        new = another_lan_address(old)
        lab.ip(host, 'addr add %s/24 dev eth0' % new)
    return during


CELLS = [
    Cell('same LAN', 'c1-h1', 'c1-h2', '',
         expect_pair(lambda a, b: None if (a, b) == ('host', 'host')
                     else 'want host-host, got %s-%s' % (a, b))),
    Cell('open x open', 'o1-h1', 'o2-h1', SERVERS,
         expect_pair(lambda a, b: None if (a, b) == ('host', 'host')
                     else 'want host-host, got %s-%s' % (a, b))),
    Cell('cone x cone', 'c1-h1', 'c2-h1', SERVERS,
         expect_pair(lambda a, b: 'want no relay, got %s-%s' % (a, b)
                     if relay(a) or relay(b) or (a, b) == ('host', 'host')
                     else None)),
    Cell('cone x symmetric', 'c1-h1', 's1-h1', SERVERS,
         expect_pair(lambda a, b: None)),
    Cell('symmetric x symmetric', 's1-h1', 's2-h1', SERVERS,
         expect_pair(lambda a, b: None if relay(a) or relay(b)
                     else 'want a relay, got %s-%s' % (a, b))),
    Cell('UDP blocked x cone', 'u1-h1', 'c2-h1', SERVERS,
         expect_pair(lambda a, b: None if relay(a)
                     else 'want a relay (TURN over TCP) on the UDP-blocked '
                     'side, got %s-%s' % (a, b)),
         lab_check=turn_over_tcp_from('u1')),
    Cell('double NAT x cone', 'din-h1', 'c2-h1', SERVERS,
         expect_pair(lambda a, b: None)),
    Cell('cone x cone, relay policy', 'c1-h1', 'c2-h1',
         SERVERS + ' ice-transport-policy=relay',
         expect_pair(lambda a, b: None if relay(a) and relay(b)
                     else 'want relay-relay, got %s-%s' % (a, b))),
    Cell('symmetric x symmetric, no TURN', 's1-h1', 's2-h1', STUN,
         expect_failure, min_share=None, must_fail=True),
    Cell('cone x cone, no server (copy and paste)', 'c1-h1', 'c2-h1', STUN,
         expect_pair(lambda a, b: 'want no relay, got %s-%s' % (a, b)
                     if relay(a) or relay(b) or (a, b) == ('host', 'host')
                     else None), terminal=True),
    # loss recovery (latency, default 125 ms) gets back what the router
    # drops; latency=0 shows the loss itself
    Cell('cone x cone, 5% loss', 'l1-h1', 'c2-h1', SERVERS_UDP,
         expect_pair(lambda a, b: None), min_share=0.999),
    Cell('cone x cone, 5% loss, latency=0', 'l1-h1', 'c2-h1',
         SERVERS_UDP + ' latency=0', expect_pair(lambda a, b: None),
         min_share=0.85),
    # 1000 packets over 20 s; all UDP cut from 3 s to 14 s: the
    # receiver's media stops, it restarts ICE, and the fresh gathering
    # finds a way (TURN over TCP while UDP is cut)
    Cell('cone x cone, UDP cut for 11 s', 'c1-h1', 'c2-h1', SERVERS,
         expect_restart(10), min_share=None, during=cut_udp('c2', 3, 11),
         env={'NAT_PEER_INTERVAL_MS': '20', 'NAT_PEER_IDLE_S': '15'},
         count=1000),
    # nothing passes between the peers for 40 s: the receiver says so
    # within the consent bound (30 s) and keeps restarting; when the path
    # returns, a restart brings the same session back
    Cell('cone x cone, 40 s blackout', 'c1-h1', 'c2-h1', SERVERS,
         expect_restart(warning='no path to producer'), min_share=None,
         during=blackout('c2', 3, 40),
         env={'NAT_PEER_INTERVAL_MS': '20', 'NAT_PEER_IDLE_S': '45'},
         count=2400, wait_s=130),
    # the receiver's router gets a new public address at 3 s: the
    # sender's packets to the old mapping die, the receiver's media
    # stops, and an ICE restart finds the new one
    Cell('cone x cone, router gets a new address', 'c1-h1', 'c2-h1',
         SERVERS_UDP, expect_restart(10), min_share=None,
         during=new_router_address('c2', 3),
         env={'NAT_PEER_INTERVAL_MS': '20', 'NAT_PEER_IDLE_S': '8'},
         count=600),
    # the receiving host itself gets a new address at 3 s: it hears of
    # it (netlink) and restarts with candidates on the new one
    Cell('cone x cone, host gets a new address', 'c1-h1', 'c2-h1',
         SERVERS_UDP, expect_restart(10), min_share=None,
         during=new_host_address('c2-h1', 3),
         env={'NAT_PEER_INTERVAL_MS': '20', 'NAT_PEER_IDLE_S': '8'},
         count=600),
    # the receiving host gains a second address at 1 s and keeps its
    # first: the working pair is kept, no restart cuts the stream
    Cell('cone x cone, host gains an address', 'c1-h1', 'c2-h1',
         SERVERS_UDP, expect_no_restart(), min_share=0.999,
         during=gain_host_address('c2-h1', 1),
         env={'NAT_PEER_INTERVAL_MS': '10', 'NAT_PEER_IDLE_S': '4'},
         count=400),
    # two dual-stack hosts on one link: a link-local pair would work too,
    # but it is not what a user expects to see
    Cell('same LAN, dual-stack', 'g1-h1', 'g1-h3', '',
         expect_host_pair(not_link_local), show_pair=True),
    # both hosts dual-stack: global IPv6, routed through stateful
    # firewalls, and IPv4 behind symmetric carrier-grade NAT
    Cell('CGN x CGN, dual-stack', 'g1-h1', 'g2-h1', SERVERS,
         expect_host_pair(global_ipv6), show_pair=True),
    Cell('CGN x CGN, dual-stack, no TURN', 'g1-h1', 'g2-h1', STUN,
         expect_host_pair(global_ipv6), show_pair=True),
    # the same routers, hosts with IPv6 turned off: only TURN would do
    Cell('CGN x CGN, IPv4 only, no TURN', 'g1-h2', 'g2-h2', STUN,
         expect_failure, min_share=None, must_fail=True),
    # the reliable transfer mode (icesink transfer-mode=reliable): 16 MiB
    # of seeded random bytes that must arrive byte for byte, then EOS;
    # through coturn (both sides relay-only), and through 5 % UDP loss
    # each way (no TCP candidates: the stream must cross the lossy path)
    Cell('cone x symmetric, reliable via TURN', 'c1-h1', 's1-h1',
         SERVERS + ' ice-transport-policy=relay',
         expect_stream(lambda a, b: None if relay(a) and relay(b)
                       else 'want relay-relay, got %s-%s' % (a, b)),
         min_share=None, env=RELIABLE_ENV, count=RELIABLE_KIB, wait_s=240),
    Cell('cone x cone, 5% loss, reliable', 'l1-h1', 'c2-h1',
         SERVERS_UDP + ' ice-tcp=false', expect_stream(), min_share=None,
         env=RELIABLE_ENV, count=RELIABLE_KIB, wait_s=240),
]


class Lab:
    def __init__(self, nat_peer, server, outdir):
        self.nat_peer = nat_peer
        self.server = server
        self.outdir = outdir
        self.prefix = 'gstice-nat-%s' % secrets.token_hex(3)
        self.namespaces = []
        self.procs = []
        self.workdir = tempfile.mkdtemp(prefix=self.prefix + '-',
                                        dir=outdir)

    # -- plumbing --
    def ns(self, name):
        return '%s-%s' % (self.prefix, name)

    def run(self, name, cmd):
        full = ['ip', 'netns', 'exec', self.ns(name)] + cmd
        result = subprocess.run(full, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError('%s: %s' % (' '.join(full),
                                           result.stderr.strip()))

    def ip(self, name, args):
        self.run(name, ['ip'] + args.split())

    def add_ns(self, name, router=False):
        subprocess.run(['ip', 'netns', 'add', self.ns(name)], check=True)
        self.namespaces.append(name)
        self.ip(name, 'link set lo up')
        self.run(name, ['sysctl', '-qw', 'net.ipv4.ip_forward=%d' % router])

    def veth(self, a, a_if, b, b_if):
        subprocess.run(['ip', 'link', 'add', a_if, 'netns', self.ns(a),
                        'type', 'veth', 'peer', 'name', b_if, 'netns',
                        self.ns(b)], check=True)
        self.ip(a, 'link set %s up' % a_if)
        self.ip(b, 'link set %s up' % b_if)

    def bridge(self, name, ifname, address):
        self.ip(name, 'link add %s type bridge' % ifname)
        self.ip(name, 'addr add %s dev %s' % (address, ifname))
        self.ip(name, 'link set %s up' % ifname)

    def spawn(self, name, cmd, log, env=None, result_pipe=False):
        """Starts @cmd in namespace @name, stderr to @log.  Only nat-peer's
        stdout (its result) is a pipe: a service writing to a pipe nobody
        reads blocks once it is full (coturn stalled that way)."""
        out = open(os.path.join(self.workdir, log), 'w')
        proc = subprocess.Popen(['ip', 'netns', 'exec', self.ns(name)] + cmd,
                                stdin=subprocess.PIPE if result_pipe
                                else subprocess.DEVNULL,
                                stdout=subprocess.PIPE if result_pipe
                                else out, stderr=out,
                                text=True, env=env, start_new_session=True)
        proc.log = out.name
        self.procs.append(proc)
        if result_pipe:
            pastelines.watch(proc)
        return proc

    # -- building the lab --
    def build(self, lans=None):
        """Builds the public segment and the LANs named in @lans (None:
        all of LANS), each with the addresses it has in the whole lab."""
        self.add_ns('pub')
        self.bridge('pub', 'br0', PUBLIC_IP + '/24')
        # The internet routes private addresses somewhere and drops them.
        # Without a default route coturn's send to a peer's private host
        # candidate fails with ENETUNREACH, and coturn 4.6.1 then closes
        # the whole allocation.
        # (no dummy driver here: a veth whose other end drops everything)
        self.ip('pub', 'link add internet type veth peer name void')
        self.ip('pub', 'link set void up')
        self.ip('pub', 'link set internet up')
        self.ip('pub', 'route add default dev internet')
        # IPv6: routed by the public namespace to each dual-stack LAN
        self.ip('pub', 'addr add %s/64 dev br0 nodad' % PUBLIC_IP6)
        self.ip('pub', '-6 route add default dev internet')
        self.run('pub', ['sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1'])
        self.wan_ips = wan_ips = {}
        self.host_ips = {}
        open_routes = []
        for i, (lan, (kind, hosts, upstream)) in enumerate(LANS.items()):
            if lans is not None and lan not in lans:
                continue
            router = lan + '-r'
            self.add_ns(router, router=True)
            if upstream is None:
                wan_ip = '203.0.113.%d' % (10 + i)
                self.veth(router, 'wan', 'pub', 'r%d' % i)
                self.ip('pub', 'link set r%d master br0' % i)
                self.ip(router, 'addr add %s/24 dev wan' % wan_ip)
                self.ip(router, 'route add default via %s' % PUBLIC_IP)
            else:
                up = upstream + '-r'
                self.veth(router, 'wan', up, 'd%d' % i)
                self.ip(up, 'link set d%d master lan' % i)
                wan_ip = '%s.%d' % (wan_ips[upstream + '-lan'], 100 + i)
                self.ip(router, 'addr add %s/24 dev wan' % wan_ip)
                self.ip(router, 'route add default via %s.1'
                        % wan_ips[upstream + '-lan'])
            wan_ips[router] = wan_ip
            # open LANs get addresses routed from the public side; carrier
            # NATs use the shared address space (RFC 6598, 100.64.0.0/10)
            net = {'open': '10.%d.0', 'cgn': '100.64.%d'}.get(
                kind, '192.168.%d') % i
            wan_ips[lan + '-lan'] = net
            self.bridge(router, 'lan', net + '.1/24')
            if kind == 'open':
                open_routes.append((net + '.0/24', wan_ip))
            for rule in ROUTER_RULES[kind]:
                rule = rule.format(host=net + '.11', wan=wan_ip, net=net)
                self.run(router, ['iptables'] + rule.split())
            v6_hosts = IPV6_HOSTS.get(lan)
            if v6_hosts is not None:
                prefix = self.ipv6_lan(router, i, kind)
            for h in range(1, hosts + 1):
                host = '%s-h%d' % (lan, h)
                self.add_ns(host)
                self.veth(host, 'eth0', router, 'h%d' % h)
                self.ip(router, 'link set h%d master lan' % h)
                if kind == 'full-cone':
                    # with br_netfilter, a DNAT back to the LAN is bridged
                    # and a bridge never sends a frame back out the port
                    # it came in on, unless told to (docs/notes.md)
                    self.ip(router, 'link set dev h%d type bridge_slave '
                            'hairpin on' % h)
                self.ip(host, 'addr add %s.%d/24 dev eth0' % (net, 10 + h))
                self.host_ips[host] = '%s.%d' % (net, 10 + h)
                self.ip(host, 'route add default via %s.1' % net)
                if v6_hosts is None:
                    continue
                if h in v6_hosts:
                    self.ip(host, 'addr add %s%d/64 dev eth0 nodad'
                            % (prefix, 10 + h))
                    self.ip(host, '-6 route add default via %s1' % prefix)
                else:
                    # IPv6 turned off: not even a link-local address
                    for conf in ('all', 'default'):
                        self.run(host, ['sysctl', '-qw',
                                        'net.ipv6.conf.%s.disable_ipv6=1'
                                        % conf])
        for net, via in open_routes:
            for name in ['pub'] + [lan + '-r' for lan, v in LANS.items()
                                   if v[2] is None and lan + '-r' in wan_ips]:
                if wan_ips.get(name) != via:
                    self.ip(name, 'route add %s via %s' % (net, via))

    def ipv6_lan(self, router, i, kind):
        """Gives @router an IPv6 address on the public segment and a /64
        on its LAN, routed from the public side without NAT.  Returns the
        LAN prefix ("2001:db8:1NN::")."""
        prefix = '2001:db8:%d::' % (100 + i)
        wan_ip6 = '2001:db8::%d' % (10 + i)
        self.run(router, ['sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1'])
        self.ip(router, 'addr add %s/64 dev wan nodad' % wan_ip6)
        self.ip(router, '-6 route add default via %s' % PUBLIC_IP6)
        self.ip(router, 'addr add %s1/64 dev lan nodad' % prefix)
        self.ip('pub', '-6 route add %s/64 via %s' % (prefix, wan_ip6))
        for rule in ROUTER_RULES6.get(kind, []):
            self.run(router, ['ip6tables'] + rule.split())
        return prefix

    def start_services(self, coturn_options=('--listening-ip=' + PUBLIC_IP,
                                             '--no-tls')):
        """coturn (on @coturn_options' addresses, STUN and TURN on 3478,
        user:pass) and the signalling server, in the public namespace."""
        self.coturn = self.spawn('pub', [
            'turnserver', '-n'] + list(coturn_options) + [
            '--relay-ip=' + PUBLIC_IP, '--listening-port=3478',
            '--lt-cred-mech', '--user=user:pass', '--realm=gst-ice.test',
            '--no-dtls', '--no-cli', '--simple-log', '--verbose',
            '--no-stdout-log',
            '--log-file=%s/coturn.log' % self.workdir,
            '--userdb=%s/turndb' % self.workdir], 'coturn.stderr')
        self.signalling = self.spawn('pub', [
            self.server, '--host', PUBLIC_IP, '--port', '8443'],
            'signalling-server.log')
        deadline = time.time() + 10
        while True:
            probe = subprocess.run(
                ['ip', 'netns', 'exec', self.ns('pub'), sys.executable, '-c',
                 'import socket\nfor p in (8443, 3478): '
                 'socket.create_connection(("%s", p), 1).close()'
                 % PUBLIC_IP], capture_output=True)
            if probe.returncode == 0:
                return
            if time.time() > deadline:
                raise RuntimeError('coturn or the signalling server did not '
                                   'listen; logs in %s' % self.workdir)
            time.sleep(0.1)

    def cleanup(self):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for name in reversed(self.namespaces):
            # anything still running in it (nat-peer, coturn) goes too
            subprocess.run('for p in $(ip netns pids %s); do kill -9 $p; '
                           'done; ip netns del %s' % (self.ns(name),
                                                      self.ns(name)),
                           shell=True, stderr=subprocess.DEVNULL)
        self.namespaces = []

    # -- one cell --
    def peer(self, host, role, props, tag, cell):
        env = dict(os.environ, GST_DEBUG_NO_COLOR='1',
                   GST_DEBUG='icetransport:5,icesession:5,icesink:4,'
                   'icesrc:4,icewebsocketsignaller:4',
                   NICE_DEBUG='libnice', G_MESSAGES_DEBUG='libnice',
                   **cell.env)
        return self.spawn(host, [self.nat_peer, role, props,
                                 str(cell.count)],
                          '%s-%s.log' % (tag, role), env=env,
                          result_pipe=True)

    def wait_streaming(self, timeout=60):
        """Waits until the current cell's sender has its consumer connected
        (ICE and DTLS done): a change to the network meant to hit a
        running stream must not hit its setup, which takes seconds on a
        busy machine."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.sender.log, errors='replace') as f:
                if re.search(r"consumer '.*' connected", f.read()):
                    return
            if self.sender.poll() is not None:
                return
            time.sleep(0.1)

    def run_cell(self, index, cell):
        name, a, b = cell.name, cell.sender, cell.receiver
        tag = 'cell%02d' % index
        producer = '%s-%s' % (tag, a)
        if cell.terminal:
            # no server: the two peers' lines are pasted across
            tx_props = rx_props = 'signaller-type=terminal ' + cell.props
        else:
            tx_props = '%s peer-id=%s %s' % (SIGNALLING, producer, cell.props)
            rx_props = '%s producer-peer-id=%s %s' % (SIGNALLING, producer,
                                                     cell.props)
        tx = self.peer(a, 'send', tx_props, tag, cell)
        self.sender = tx
        time.sleep(0.3)
        start = time.time()
        rx = self.peer(b, 'recv', rx_props, tag, cell)
        if cell.terminal:
            pastelines.pair_up(tx, rx)
        action = None
        if cell.during:
            action = threading.Thread(target=cell.during, args=(self,))
            action.start()
        results = []
        for proc in (rx, tx):
            if proc is tx:
                # a sender whose consumer left stops by itself; one whose
                # consumer never connected waits, as a user's would
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(cell.wait_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            proc.reader.join(5)
            try:
                results.append(json.loads(proc.lines[-1]))
            except (ValueError, IndexError):
                results.append({'error': 'nat-peer printed no result '
                                '(exit %s)' % proc.returncode})
        rx_result, tx_result = results
        elapsed = time.time() - start
        if action:
            action.join()

        problems = cell.expect(tx_result, rx_result)
        if cell.lab_check:
            problems += cell.lab_check(self)
        if not cell.must_fail and rx_result.get('error'):
            problems.append('receiver error: %s' % rx_result['error'][:300])
        for service in (self.coturn, self.signalling):
            if service.poll() is not None:
                problems.append('%s exited with status %s during the cell'
                                % (service.args[4], service.returncode))
        got = rx_result.get('received') or 0
        if cell.min_share is not None and got < cell.min_share * cell.count:
            problems.append('%d of %d packets arrived, want at least %d%%'
                            % (got, cell.count, cell.min_share * 100))
        if rx_result.get('corrupt'):
            problems.append('%d corrupt packets' % rx_result['corrupt'])
        # every stream is encrypted: both ends authenticated each other
        if not cell.must_fail:
            for who, result in (('sender', tx_result),
                                ('receiver', rx_result)):
                if not result.get('dtls-cipher'):
                    problems.append('the %s never completed a DTLS '
                                    'handshake' % who)
        if cell.must_fail and elapsed > FAIL_BOUND_S:
            problems.append('took %.0f s to fail, bound is %d s'
                            % (elapsed, FAIL_BOUND_S))
        if rx_result.get('sha256') and rx_result.get('seconds'):
            note = '%.0f MiB byte-exact in %.1f s (%.0f Mbit/s)' % (
                rx_result['bytes'] / 1048576.0, rx_result['seconds'],
                rx_result['bytes'] * 8 / rx_result['seconds'] / 1e6)
        elif cell.must_fail:
            note = 'failed after %.0f s: %s' % (
                elapsed, (rx_result.get('error') or '').split(';')[0])
        elif rx_result.get('longest-gap-ms'):
            note = '%d%% arrived; after a %.1f s gap, %d more' % (
                100 * got // cell.count,
                rx_result['longest-gap-ms'] / 1000.0,
                rx_result.get('received-after-gap') or 0)
            if rx_result.get('resume-ms') is not None:
                note += '; ICE restart resumed in %.1f s' % (
                    rx_result['resume-ms'] / 1000.0)
        else:
            note = '%d%% arrived' % (100 * got // cell.count)
        if cell.show_pair and tx_result.get('local-address'):
            note += '; %s to %s' % (tx_result['local-address'],
                                    tx_result.get('remote-address'))
        row = {
            'cell': name, 'sender': a, 'receiver': b,
            'sender-local': tx_result.get('local-candidate-type'),
            'receiver-local': rx_result.get('local-candidate-type'),
            'sender-address': tx_result.get('local-address'),
            'receiver-address': rx_result.get('local-address'),
            'transport': rx_result.get('transport'),
            'dtls': short_cipher(rx_result.get('dtls-cipher')),
            'first-packet-ms': rx_result.get('first-packet-ms'),
            'sent': tx_result.get('sent'),
            'received': rx_result.get('received'),
            'seconds': round(elapsed, 1),
            'result': 'FAIL' if problems else 'ok',
            'error': rx_result.get('error'),
            'note': note,
        }
        if problems:
            self.explain(name, problems, [tx, rx], tx_result, rx_result)
        return row

    def explain(self, name, problems, procs, tx_result, rx_result):
        print('\nFAIL %s' % name)
        for p in problems:
            print('  - %s' % p)
        print('  sender result:   %s' % json.dumps(tx_result))
        print('  receiver result: %s' % json.dumps(rx_result))
        for proc in procs:
            lines = open(proc.log, errors='replace').read().splitlines()
            print('--- %s: candidates' % proc.log)
            for line in lines:
                if 'local candidate a=' in line or \
                        'remote candidate a=' in line:
                    print('  ' + line.split('> ', 1)[-1])
            print('--- %s: connectivity checks that failed' % proc.log)
            pairs = {}
            for line in lines:
                m = re.search(r'new pair (0x[0-9a-f]+) : (.*)', line)
                if m:
                    pairs[m.group(1)] = m.group(2)
            for line in lines:
                m = re.search(r'pair (0x[0-9a-f]+) state FAILED', line)
                if m:
                    print('  %s' % pairs.get(m.group(1), m.group(1)))
            print('--- %s: state changes and errors' % proc.log)
            for line in [l for l in lines if 'ICE state' in l or
                         'error' in l.lower()][-10:]:
                print('  ' + line[-200:])
            print('--- %s: last lines' % proc.log)
            for line in [l for l in lines if 'libnice' not in l][-25:]:
                print('  ' + line[-200:])
        print('--- coturn log: last lines')
        try:
            for line in open(os.path.join(self.workdir, 'coturn.log'),
                             errors='replace').read().splitlines()[-20:]:
                print('  ' + line)
        except OSError as e:
            print('  %s' % e)


def lans_of(cells):
    """The LANs @cells' hosts are on, and the ones these sit behind."""
    lans = set()
    for cell in cells:
        for host in (cell.sender, cell.receiver):
            lan = host.rsplit('-', 1)[0]
            while lan:
                lans.add(lan)
                lan = LANS[lan][2]
    return lans


def short_cipher(name):
    """TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 -> AES_128_GCM"""
    if not name:
        return None
    return name.split('_WITH_')[-1].rsplit('_', 1)[0]


def table(rows):
    head = ['cell', 'local (sender)', 'remote (receiver)', 'transport',
            'DTLS', 'first packet (ms)', 'sent', 'received', 'result',
            'note']
    lines = ['| ' + ' | '.join(head) + ' |',
             '|' + '---|' * len(head)]
    for r in rows:
        lines.append('| ' + ' | '.join(str(x) if x is not None else '-'
                     for x in [r['cell'], r['sender-local'],
                               r['receiver-local'], r['transport'], r['dtls'],
                               r['first-packet-ms'], r['sent'],
                               r['received'], r['result'], r['note']]) +
                     ' |')
    return '\n'.join(lines)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    nat_peer, server, outdir = sys.argv[1:4]
    only = sys.argv[4:]
    if os.geteuid() != 0 or subprocess.run(
            ['ip', 'netns', 'list'], capture_output=True).returncode != 0:
        print('SKIP: the NAT lab needs root and network namespaces '
              '(it builds NAT routers with iptables in namespaces)')
        return 77
    for tool in ('iptables', 'ip6tables', 'turnserver'):
        if subprocess.run(['sh', '-c', 'command -v ' + tool],
                          capture_output=True).returncode != 0:
            print('SKIP: %s is not installed (scripts/setup.sh installs '
                  'it)' % tool)
            return 77
    lab = Lab(os.path.abspath(nat_peer), os.path.abspath(server),
              os.path.abspath(outdir))

    def interrupted(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupted)

    rows = []
    start = time.time()
    try:
        lab.build(lans_of(CELLS))
        lab.start_services()
        for i, cell in enumerate(CELLS):
            if only and cell.name not in only:
                continue
            row = lab.run_cell(i, cell)
            print('%-4s %-32s %s' % (row['result'], row['cell'], json.dumps(
                {k: row[k] for k in ('sender-local', 'receiver-local',
                                     'sender-address', 'receiver-address',
                                     'transport', 'first-packet-ms',
                                     'received', 'seconds')})), flush=True)
            rows.append(row)
    except KeyboardInterrupt:
        print('interrupted: removing the lab')
        return 1
    finally:
        lab.cleanup()
    text = table(rows)
    print('\n' + text)
    failed = [r for r in rows if r['result'] != 'ok']
    if failed:
        print('\n%d cells in %.0f s; logs kept in %s' % (
            len(rows), time.time() - start, lab.workdir))
    else:
        shutil.rmtree(lab.workdir, ignore_errors=True)
        print('\n%d cells in %.0f s' % (len(rows), time.time() - start))
    with open(os.path.join(outdir, 'nat-matrix.md'), 'w') as f:
        f.write(text + '\n')
    with open(os.path.join(outdir, 'nat-matrix.json'), 'w') as f:
        json.dump(rows, f, indent=1)
    return 1 if failed or not rows else 0


if __name__ == '__main__':
    sys.exit(main())
