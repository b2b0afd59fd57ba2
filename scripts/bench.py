#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The benchmark of issue 12: icesink->icesrc side by side with
udpsink->udpsrc and libnice's nicesink->nicesrc, in one run, as ratios.

  bench.py BUILDDIR [--quick] [--rounds N] [--seconds S] [--out DIR]
           [--rows throughput,loss,latency,ttfb,nat,fanout,memory]

Each row runs its contenders back to back, alternating their order from
round to round, and prints the median and the spread (lowest-highest) of
the rounds.  Contenders: the sendmmsg/recvmmsg floor (bench/mmsg-floor),
udp (udpsink->udpsrc), nice (nicesink->nicesrc, bench/gst-ice-bench nice),
ice (icesink->icesrc, encryption=false) and dtls (the same, encrypted, as
by default).  Sender and receiver of udp, ice and dtls are two processes,
each measuring its own CPU time; nice runs in one process and splits its
CPU by thread.  1200-byte packets over loopback host candidates.

Writes OUTDIR/bench.md (the table), bench.json (every run) and bench.png
(throughput and latency side by side).  --quick runs every row once,
briefly, and checks only that each printed figures (meson test
bench-smoke).  docs/performance.md explains the rows and the figures."""

import argparse
import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time

PACKET = 1200
CONTENDERS = ['udp', 'nice', 'ice', 'dtls']
NAMES = {
    'floor': 'sendmmsg/recvmmsg floor',
    'udp': 'udpsink→udpsrc',
    'nice': 'nicesink→nicesrc',
    'ice': 'icesink→icesrc (encryption=false)',
    'dtls': 'icesink→icesrc (DTLS)',
    'ice-noarq': 'icesink→icesrc (encryption=false, latency=0)',
    'dtls-noarq': 'icesink→icesrc (DTLS, latency=0)',
}
ARQ_OFF_NAMES = ['ice-noarq', 'dtls-noarq']
ALL_ROWS = ['throughput', 'loss', 'latency', 'ttfb', 'nat', 'fanout',
            'memory']


def free_port():
    with socket.socket() as tcp, socket.socket(type=socket.SOCK_DGRAM) as udp:
        tcp.bind(('127.0.0.1', 0))
        port = tcp.getsockname()[1]
        try:
            udp.bind(('127.0.0.1', port))
        except OSError:
            return free_port()
        return port


class Bench:
    def __init__(self, build, quick, seconds, out):
        self.build = build
        self.quick = quick
        self.seconds = seconds
        self.out = out
        self.tool = os.path.join(build, 'bench', 'gst-ice-bench')
        self.floor_tool = os.path.join(build, 'bench', 'mmsg-floor')
        self.env = dict(os.environ)
        self.env['GST_PLUGIN_PATH_1_0'] = os.path.join(build, 'ext', 'ice')
        self.env.setdefault('GST_REGISTRY_1_0',
                            os.path.join(build, 'bench', 'registry.bin'))
        self.log = open(os.path.join(out, 'bench.log'), 'w')
        self.before = None

    def spawn(self, args, stdin=None):
        env = self.env
        if any(str(a).endswith('@before') for a in args):
            env = dict(env, GST_PLUGIN_PATH_1_0=os.path.join(
                self.before, 'ext', 'ice'), GST_REGISTRY_1_0=os.path.join(
                self.before, 'registry.bin'))
            args = [str(a).replace('@before', '') for a in args]
        self.log.write('$ %s\n' % ' '.join(map(str, args)))
        self.log.flush()
        return subprocess.Popen([str(a) for a in args], env=env,
                                stdin=stdin, stdout=subprocess.PIPE,
                                stderr=self.log, text=True)

    @staticmethod
    def read_json(proc):
        line = proc.stdout.readline()
        return json.loads(line) if line.strip() else None

    def one(self, args, timeout):
        proc = self.spawn(args)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        results = [json.loads(line) for line in out.splitlines()
                   if line.startswith('{')]
        return results

    # -- one run of a contender --
    def stream(self, kind, rate, seconds, burst, consumers=1):
        if kind == 'floor':
            r = self.one([self.floor_tool, seconds], seconds + 20)[0]
            return self.figures(r['sent'], r['received'], r['seconds'],
                                r['send_cpu'], r['recv_cpu'], None)
        if kind == 'nice':
            results = self.one([self.tool, 'nice', rate, seconds, burst],
                               seconds + 40)
            if len(results) < 2:
                return None
            tx, rx = results
            # the source sends for @seconds from its first packet through
            return self.figures(tx['sent'], rx['received'],
                                max(rx['seconds'], float(seconds)),
                                tx['send_cpu'], tx['recv_cpu'], rx)
        port = free_port()
        send = [self.tool, 'send', kind, port, rate, seconds, burst,
                consumers]
        recv = [self.tool, 'recv', kind, port, consumers]
        # the receiver of plain UDP must listen first; icesink's embedded
        # server must be there before icesrc connects
        first, second = (recv, send) if kind == 'udp' else (send, recv)
        if kind.endswith('@before'):
            # the old plugin on both ends
            send[2] = recv[2] = kind
        a = self.spawn(first, stdin=subprocess.PIPE)
        self.read_json(a)
        b = self.spawn(second, stdin=subprocess.PIPE)
        self.read_json(b)
        tx_proc, rx_proc = (b, a) if kind == 'udp' else (a, b)
        try:
            tx = json.loads(tx_proc.stdout.readline() or 'null')
            tx_proc.wait(seconds + 60)
        except (subprocess.TimeoutExpired, ValueError):
            tx = None
        time.sleep(0.3)
        try:
            rx_proc.stdin.close()
            rx = json.loads(rx_proc.stdout.readline() or 'null')
            rx_proc.wait(30)
        except (subprocess.TimeoutExpired, ValueError):
            rx = None
        for p in (tx_proc, rx_proc):
            if p.poll() is None:
                p.kill()
                p.wait()
        if not tx or not rx:
            return None
        # over the longer window: a receiver that stalls, then hands on a
        # burst from its queue, is not credited with the burst's speed
        fig = self.figures(tx['sent'] * consumers, rx['received'],
                           max(rx['seconds'], tx['seconds']), tx['cpu'],
                           rx['cpu'], rx)
        fig['send_cpu_per_s'] = tx['cpu'] / max(tx['seconds'], 1e-9)
        fig['send_rss_kb'] = tx['rss_kb']
        fig['send_peak_rss_kb'] = tx['peak_rss_kb']
        fig['send_rss_samples_kb'] = tx.get('rss_samples_kb', [])
        return fig

    @staticmethod
    def figures(sent, received, seconds, send_cpu, recv_cpu, rx):
        fig = {
            'sent': sent, 'received': received,
            'pps': received / seconds if seconds > 0 else 0.0,
            'loss': 100.0 * (1 - received / sent) if sent else 100.0,
            'send_cpu_gb': send_cpu / (sent * PACKET / 1e9) if sent else None,
            'recv_cpu_gb': (recv_cpu / (received * PACKET / 1e9)
                            if received else None),
            'cpu_pkt_us': ((send_cpu / sent + recv_cpu / received) * 1e6
                           if sent and received else None),
        }
        if rx:
            fig['p50_ms'] = rx.get('p50_us', 0) / 1000.0
            fig['p99_ms'] = rx.get('p99_us', 0) / 1000.0
            fig['recv_rss_kb'] = rx.get('rss_kb')
            fig['recv_peak_rss_kb'] = rx.get('peak_rss_kb')
            fig['recv_rss_samples_kb'] = rx.get('rss_samples_kb', [])
        return fig

    def ttfb(self, kind):
        results = self.one([self.tool, 'ttfb', kind, free_port()], 30)
        if not results or results[-1].get('first_ms') is None:
            return None
        return {'first_ms': results[-1]['first_ms']}

    def rounds_of(self, contenders, rounds, run):
        """Runs every contender @rounds times, alternating the order."""
        runs = {c: [] for c in contenders}
        for i in range(rounds):
            order = contenders if i % 2 == 0 else list(reversed(contenders))
            for c in order:
                fig = run(c)
                print('  round %d %-5s %s' % (i + 1, c, brief(fig)),
                      flush=True)
                if fig is not None:
                    runs[c].append(fig)
        return runs


def brief(fig):
    if fig is None:
        return 'FAILED (see bench.log)'
    keys = [k for k in ('pps', 'loss', 'cpu_pkt_us', 'p50_ms', 'p99_ms',
                        'first_ms', 'send_cpu_per_s') if k in fig]
    return ' '.join('%s=%.4g' % (k, fig[k]) for k in keys
                    if fig[k] is not None)


def stat(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    if not values:
        return None
    return (statistics.median(values), min(values), max(values))


def cell(s, fmt='%.0f'):
    if s is None:
        return 'n/a'
    med, lo, hi = s
    return (fmt + ' (' + fmt + '–' + fmt + ')') % (med, lo, hi)


def ratio(s, ref):
    if s is None or ref is None or not ref[0]:
        return 'n/a'
    return '%.2f×' % (s[0] / ref[0])


def nat_ttfb(bench, rounds, count):
    """Time to first buffer through a server-reflexive and a relayed path in
    the NAT lab (tests/nat/natlab.py): None when it cannot run."""
    if os.geteuid() != 0:
        return None, 'needs root (network namespaces)'
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..',
                                    'tests', 'nat'))
    import natlab
    cells = {
        'srflx': natlab.Cell('cone x cone', 'c1-h1', 'c2-h1', natlab.SERVERS,
                             lambda tx, rx: [], count=count),
        'relay': natlab.Cell('cone x cone, relay policy', 'c1-h1', 'c2-h1',
                             natlab.SERVERS + ' ice-transport-policy=relay',
                             lambda tx, rx: [], count=count),
    }
    env_keys = ('GST_PLUGIN_PATH_1_0', 'GST_REGISTRY_1_0')
    saved = {k: os.environ.get(k) for k in env_keys}
    os.environ.update({k: bench.env[k] for k in env_keys})
    lab = natlab.Lab(os.path.join(bench.build, 'tests', 'nat', 'nat-peer'),
                     os.path.join(bench.build, 'server',
                                  'gst-ice-signalling-server'), bench.out)
    runs = {'srflx': [], 'relay': []}
    try:
        lab.build()
        lab.start_services()
        for i in range(rounds):
            for name, c in cells.items():
                row = lab.run_cell(i, c)
                pair = '%s-%s' % (row['sender-local'], row['receiver-local'])
                print('  round %d %-5s first_ms=%s pair=%s' % (
                    i + 1, name, row['first-packet-ms'], pair), flush=True)
                if row['first-packet-ms'] is not None:
                    runs[name].append({'first_ms': row['first-packet-ms'],
                                       'pair': pair})
    finally:
        lab.cleanup()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return runs, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('build')
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--rounds', type=int)
    parser.add_argument('--seconds', type=int)
    parser.add_argument('--out')
    parser.add_argument('--rows', default=','.join(ALL_ROWS))
    parser.add_argument('--before', metavar='BUILDDIR',
                        help='also run icesink->icesrc from the plugin '
                        'built in BUILDDIR (contenders ice@before, '
                        'dtls@before): a change measured in the same run')
    parser.add_argument('--contenders', help='a subset of %s' %
                        ','.join(CONTENDERS))
    args = parser.parse_args()
    if args.contenders:
        CONTENDERS[:] = args.contenders.split(',')

    quick = args.quick
    rounds = args.rounds or (1 if quick else 5)
    seconds = args.seconds or (1 if quick else 3)
    rows = args.rows.split(',')
    out = args.out or os.path.join(args.build, 'bench')
    os.makedirs(out, exist_ok=True)
    bench = Bench(args.build, quick, seconds, out)
    if args.before:
        bench.before = os.path.abspath(args.before)
        for c in ('ice', 'dtls'):
            NAMES[c + '@before'] = NAMES[c] + ' before'
        CONTENDERS.extend(['ice@before', 'dtls@before'])
    # loss recovery (on by default) off as well, in the throughput and
    # latency rows; not in the smoke test, which must stay short
    arq_off = [] if quick else [c + '-noarq' for c in ('ice', 'dtls')
                                if c in CONTENDERS]
    # the paced rows need 2 s for their percentiles, but not in the smoke
    span = seconds if quick else max(seconds, 2)
    results = {}
    lines = []
    started = time.time()
    started_at = datetime.datetime.now().strftime('%Y-%m-%d %H:%M')
    load_at_start = os.getloadavg()

    def section(title, header):
        print('\n== %s' % title, flush=True)
        lines.extend(['', '### ' + title, '', '| ' + ' | '.join(header) +
                      ' |', '|' + '---|' * len(header)])

    if 'throughput' in rows:
        section('Throughput: 1200-byte packets as fast as the sender can, '
                'lists of 16',
                ['contender', 'delivered packets/s', '× udp', 'loss %',
                 'sender CPU s/GB', 'receiver CPU s/GB', 'CPU µs/packet',
                 '× udp'])
        tp_contenders = (['floor'] if 'udp' in CONTENDERS else []) + \
            CONTENDERS + arq_off
        runs = bench.rounds_of(tp_contenders, rounds,
                               lambda c: bench.stream(c, 0, seconds, 16))
        results['throughput'] = runs
        ref_pps = stat(runs.get('udp', []), 'pps')
        ref_cpu = stat(runs.get('udp', []), 'cpu_pkt_us')
        for c in tp_contenders:
            lines.append('| %s | %s | %s | %s | %s | %s | %s | %s |' % (
                NAMES[c], cell(stat(runs[c], 'pps')),
                ratio(stat(runs[c], 'pps'), ref_pps),
                cell(stat(runs[c], 'loss'), '%.1f'),
                cell(stat(runs[c], 'send_cpu_gb'), '%.1f'),
                cell(stat(runs[c], 'recv_cpu_gb'), '%.1f'),
                cell(stat(runs[c], 'cpu_pkt_us'), '%.2f'),
                ratio(stat(runs[c], 'cpu_pkt_us'), ref_cpu)))

    if 'loss' in rows:
        section('Loss at fixed offered rates (single buffers, paced)',
                ['offered packets/s', 'contender', 'loss %',
                 'points over udp', 'CPU µs/packet'])
        results['loss'] = {}
        # --quick (the smoke test, which must stay short): one rate
        for rate in ([50000] if quick else [10000, 50000, 100000]):
            print('-- %d packets/s' % rate, flush=True)
            runs = bench.rounds_of(CONTENDERS, rounds,
                                   lambda c: bench.stream(c, rate, seconds, 1))
            results['loss'][rate] = runs
            ref = stat(runs.get('udp', []), 'loss')
            for c in CONTENDERS:
                s = stat(runs[c], 'loss')
                lines.append('| %d | %s | %s | %s | %s |' % (
                    rate, NAMES[c], cell(s, '%.2f'),
                    '%+.2f' % (s[0] - ref[0]) if s and ref else 'n/a',
                    cell(stat(runs[c], 'cpu_pkt_us'), '%.2f')))

    if 'latency' in rows:
        section('One-way latency at a steady 1000 packets/s',
                ['contender', 'p50 ms', 'p99 ms', 'p50 over udp, ms'])
        runs = bench.rounds_of(CONTENDERS + arq_off, rounds,
                               lambda c: bench.stream(c, 1000, span, 1))
        results['latency'] = runs
        ref = stat(runs.get('udp', []), 'p50_ms')
        for c in CONTENDERS + arq_off:
            s = stat(runs[c], 'p50_ms')
            lines.append('| %s | %s | %s | %s |' % (
                NAMES[c], cell(s, '%.3f'),
                cell(stat(runs[c], 'p99_ms'), '%.3f'),
                '%+.3f' % (s[0] - ref[0]) if s and ref else 'n/a'))

    if 'ttfb' in rows:
        section('Time to first buffer on loopback (both pipelines to '
                'PLAYING, embedded signalling server)',
                ['contender', 'first buffer ms'])
        # with --before, the old plugin's too (ice@before, dtls@before)
        ttfb_contenders = [c for c in CONTENDERS
                           if c.split('@')[0] in ('ice', 'dtls')]
        runs = bench.rounds_of(ttfb_contenders, rounds, bench.ttfb)
        results['ttfb'] = runs
        for c in ttfb_contenders:
            lines.append('| %s | %s |' % (NAMES[c],
                                          cell(stat(runs[c], 'first_ms'),
                                               '%.1f')))

    if 'nat' in rows:
        section('Time to first buffer in the NAT lab (cone x cone, DTLS; '
                'receiver PLAYING → first buffer)',
                ['path', 'selected pair (sender-receiver)',
                 'first buffer ms'])
        if quick:
            runs, why = None, 'skipped by --quick'
        else:
            runs, why = nat_ttfb(bench, min(rounds, 3), 50)
        results['nat'] = runs or why
        for path in ('srflx', 'relay'):
            if runs is None:
                lines.append('| %s | n/a | n/a (%s) |' % (path, why))
                continue
            pairs = sorted(set(r['pair'] for r in runs[path]))
            lines.append('| %s | %s | %s |' % (
                path, ', '.join(pairs) or 'n/a',
                cell(stat(runs[path], 'first_ms'), '%.0f')))

    if 'fanout' in rows:
        section('Fan-out: one icesink, N consumers, 2000 packets/s each',
                ['contender', 'consumers', 'sender CPU s/s',
                 '× 1 consumer', 'sender RSS MiB',
                 'RSS per added consumer KiB', 'loss %'])
        results['fanout'] = {}
        counts = [1, 4] if quick else [1, 4, 16]
        for kind in ('ice', 'dtls'):
            by_n = {}
            for n in counts:
                print('-- %s, %d consumers' % (kind, n), flush=True)
                runs = bench.rounds_of(
                    [kind], max(1, min(rounds, 3)),
                    lambda c: bench.stream(c, 2000, span, 1, n))
                by_n[n] = runs[kind]
            results['fanout'][kind] = by_n
            one = stat(by_n[1], 'send_cpu_per_s')
            one_rss = stat(by_n[1], 'send_rss_kb')
            for n in counts:
                rss = stat(by_n[n], 'send_rss_kb')
                per = ('%.0f' % ((rss[0] - one_rss[0]) / (n - 1))
                       if n > 1 and rss and one_rss else 'n/a')
                lines.append('| %s | %d | %s | %s | %s | %s | %s |' % (
                    NAMES[kind], n,
                    cell(stat(by_n[n], 'send_cpu_per_s'), '%.3f'),
                    ratio(stat(by_n[n], 'send_cpu_per_s'), one),
                    '%.1f' % (rss[0] / 1024) if rss else 'n/a', per,
                    cell(stat(by_n[n], 'loss'), '%.2f')))

    if 'memory' in rows:
        length = 2 if quick else 60
        section('Memory over a %d s stream at 10000 packets/s' % length,
                ['contender', 'sender peak RSS MiB',
                 'sender RSS growth, 2nd half KiB',
                 'receiver peak RSS MiB',
                 'receiver RSS growth, 2nd half KiB'])
        runs = bench.rounds_of(['udp', 'dtls'], 1,
                               lambda c: bench.stream(c, 10000, length, 1))
        results['memory'] = runs

        def growth(samples):
            if len(samples) < 2:
                return 'n/a'
            half = samples[len(samples) // 2:]
            return '%+d' % (half[-1] - half[0])
        for c in ('udp', 'dtls'):
            if not runs[c]:
                lines.append('| %s | n/a | n/a | n/a | n/a |' % NAMES[c])
                continue
            r = runs[c][0]
            lines.append('| %s | %.1f | %s | %.1f | %s |' % (
                NAMES[c], r['send_peak_rss_kb'] / 1024,
                growth(r['send_rss_samples_kb']),
                r['recv_peak_rss_kb'] / 1024,
                growth(r['recv_rss_samples_kb'])))

    head = ['# gst-ice benchmark', '',
            '- machine: %s, %d CPUs, %s' % (
                platform.node() or 'unknown', os.cpu_count(),
                platform.platform()),
            '- date: %s to %s' % (started_at,
                                   datetime.datetime.now().strftime('%H:%M')),
            '- load average (1, 5, 15 min) at start: %s, at the end: %s' % (
                ' '.join('%.1f' % x for x in load_at_start),
                ' '.join('%.1f' % x for x in os.getloadavg())),
            '- command: scripts/bench.sh %s' % ' '.join(sys.argv[2:]),
            '- %d rounds, %d s per run; each cell: median (lowest–highest)'
            % (rounds, seconds)]
    text = '\n'.join(head + lines) + '\n'
    with open(os.path.join(out, 'bench.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(out, 'bench.json'), 'w') as f:
        json.dump(results, f, indent=1)
    print('\n' + text)
    plot(results, os.path.join(out, 'bench.png'))
    print('%.0f s; table, runs and plot in %s' % (time.time() - started, out))

    # every row printed figures (--quick runs check only this)
    failed = [line for line in lines if line.startswith('| ') and
              line.count('n/a') >= 2 and 'skipped by --quick' not in line]
    if failed:
        print('rows without figures:\n' + '\n'.join(failed))
        return 1
    return 0


def plot(results, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('no plot: python3-matplotlib is not installed '
              '(scripts/setup.sh installs it)')
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    tp = results.get('throughput', {})
    names = [c for c in ['floor'] + CONTENDERS + ARQ_OFF_NAMES
             if tp.get(c)]
    meds, errs = [], [[], []]
    for c in names:
        med, lo, hi = stat(tp[c], 'pps')
        meds.append(med / 1000)
        errs[0].append((med - lo) / 1000)
        errs[1].append((hi - med) / 1000)
    left.bar(range(len(names)), meds, yerr=errs, capsize=4,
             color=['#999999', '#4c72b0', '#55a868', '#dd8452', '#c44e52',
                    '#8172b3', '#937860', '#da8bc3', '#8c8c8c'][:len(names)])
    left.set_xticks(range(len(names)))
    left.set_xticklabels([NAMES[c].replace(' (', '\n(')
                          .replace(' floor', '\nfloor') for c in names],
                         fontsize=7, rotation=30, ha='right')
    left.set_ylabel('delivered packets/s (thousands)')
    left.set_title('Throughput, 1200-byte packets, loopback')
    lat = results.get('latency', {})
    names = [c for c in CONTENDERS + ARQ_OFF_NAMES if lat.get(c)]
    width = 0.38
    for j, (key, label) in enumerate((('p50_ms', 'p50'),
                                      ('p99_ms', 'p99'))):
        vals = [stat(lat[c], key)[0] for c in names]
        right.bar([i + (j - 0.5) * width for i in range(len(names))], vals,
                  width, label=label)
    right.set_xticks(range(len(names)))
    right.set_xticklabels([NAMES[c].replace(' (', '\n(') for c in names],
                          fontsize=7, rotation=30, ha='right')
    right.set_ylabel('one-way latency, ms')
    right.set_title('Latency at 1000 packets/s')
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print('plot: %s' % path)


if __name__ == '__main__':
    sys.exit(main())
