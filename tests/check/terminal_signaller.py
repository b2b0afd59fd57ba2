#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The copy-and-paste signaller (signaller-type=terminal), as a user runs
it: two gst-launch-1.0 processes on loopback.  The test plays the user
who copies the gst-ice: line printed by one into the other's standard
input.  Checks that video arrives with the sender's caps, that a
damaged line and a closed standard input give clear messages, and that
what a hostile line holds reaches the terminal escaped and a 10 MB line
is refused without being held in memory."""

import base64
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
import pastelines  # noqa: E402

TIMEOUT = 30
SENDER = ['gst-launch-1.0', 'videotestsrc', 'is-live=true', '!',
          'video/x-raw,width=64,height=48', '!', 'rtpvrawpay', '!',
          'icesink', 'signaller-type=terminal', 'local-addresses=127.0.0.1']
# no caps typed: rtpvrawdepay needs the sender's, carried in the line
RECEIVER = ['gst-launch-1.0', '-m', 'icesrc', 'signaller-type=terminal',
            'local-addresses=127.0.0.1', '!', 'rtpvrawdepay', '!',
            'fakesink', 'num-buffers=30']

failures = []


def check(condition, what, output):
    if not condition:
        failures.append(what)
        print('FAIL: %s\n--- output\n%s' % (what, output[-3000:]))
    else:
        print('ok   %s' % what)


def start(argv):
    """Starts @argv; stdout lines (and the gst-ice: lines to paste) are
    handled by pastelines, stderr lines join proc.lines too."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors='replace')
    pastelines.watch(proc)
    proc.err_reader = threading.Thread(
        target=lambda: proc.lines.extend(proc.stderr), daemon=True)
    proc.err_reader.start()
    return proc


def finish(proc):
    try:
        status = proc.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        status = 'timeout'
    proc.reader.join(5)
    proc.err_reader.join(5)
    return status


def test_stream():
    tx, rx = start(SENDER), start(RECEIVER)
    pastelines.pair_up(tx, rx)
    status = finish(rx)
    tx.terminate()
    finish(tx)
    output = ''.join(rx.lines + tx.lines)
    check(status == 0, 'receiver got 30 frames and ended (exit %s)' % status,
          output)
    check('ice-selected-pair' in output, 'a candidate pair was selected',
          output)
    check(any('gst-ice: copy the gst-ice:offer:' in l for l in tx.lines),
          'the sender told its user what to copy', output)


def test_damaged_line_then_closed_input():
    rx = start(RECEIVER)
    rx.stdin.write('gst-ice:offer:this-is-not-base64!!\n')
    rx.stdin.write('some other line\n')
    rx.stdin.flush()
    # close once the pipeline is past PAUSED: gst-launch-1.0 1.22 takes an
    # error posted while a live pipeline goes to PAUSED as "doesn't want to
    # preroll", goes on to PLAYING anyway and then waits forever
    deadline = time.time() + TIMEOUT
    while time.time() < deadline and \
            not any('is damaged' in line for line in rx.lines):
        time.sleep(0.05)
    time.sleep(1)
    rx.stdin.close()
    status = finish(rx)
    output = ''.join(rx.lines)
    check('is damaged: paste it whole' in output,
          'a damaged line is reported and ignored', output)
    check(status not in (0, 'timeout') and
          'standard input closed before the other side' in output,
          'a closed standard input is an error naming it (exit %s)' % status,
          output)


def wait_for(proc, text):
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        if any(text in line for line in proc.lines):
            return True
        time.sleep(0.05)
    return False


def peak_rss_kib(proc):
    """The most memory @proc ever had resident (VmHWM), in KiB."""
    with open('/proc/%d/status' % proc.pid) as status:
        for line in status:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


def test_escape_sequence_shown_escaped():
    """A pasted line is text from the other side: what the terminal
    shows of it must not be able to rewrite the user's terminal."""
    tx = start(SENDER)
    wait_for(tx, 'gst-ice:offer:')
    evil = '\x1b[31mEVIL\x1b]0;pwned\x07'
    payload = base64.b64encode(('session %s\na=ice-ufrag:8hhY\n' % evil)
                               .encode()).decode()
    tx.stdin.write('gst-ice:answer:%s\n' % payload)
    tx.stdin.flush()
    shown = wait_for(tx, 'EVIL')
    tx.terminate()
    finish(tx)
    output = ''.join(tx.lines)
    check(shown, 'the line with an escape sequence is reported', output)
    check('\x1b' not in output and '\x07' not in output,
          'no raw escape sequence reaches the terminal', output)
    check('\\x1b[31mEVIL\\x1b]0;pwned\\x07' in output,
          'the escape sequence is shown escaped', output)


def test_long_line_refused():
    """A line of 10 MB is refused without being held in memory, and the
    lines after it are still read: a stream starts afterwards."""
    rx = start(RECEIVER)
    wait_for(rx, "paste the sender's gst-ice:offer: line here")
    time.sleep(0.5)
    before = peak_rss_kib(rx)
    rx.stdin.write('gst-ice:offer:' + 'A' * (10 * 1024 * 1024) + '\n')
    rx.stdin.flush()
    refused = wait_for(rx, 'ignoring a line longer than')
    growth = peak_rss_kib(rx) - before
    tx = start(SENDER)
    pastelines.pair_up(tx, rx)
    status = finish(rx)
    tx.terminate()
    finish(tx)
    output = ''.join(rx.lines)
    check(refused, 'the 10 MB line is refused', output)
    check(growth < 2048, 'the receiver grew by %d KiB (under 2 MiB) reading '
          'it' % growth, output)
    check(status == 0, 'a stream still starts after it (exit %s)' % status,
          output)


def main():
    if subprocess.run(['gst-inspect-1.0', 'icesink'],
                      capture_output=True).returncode != 0:
        print('icesink not found: is GST_PLUGIN_PATH_1_0 set?')
        return 1
    test_stream()
    test_damaged_line_then_closed_input()
    test_escape_sequence_shown_escaped()
    test_long_line_refused()
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
