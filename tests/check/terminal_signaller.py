#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The copy-and-paste signaller (signaller-type=terminal), as a user runs
it: two gst-launch-1.0 processes on loopback.  The test plays the user
who copies the gst-ice: line printed by one into the other's standard
input.  Checks that video arrives with the sender's caps, and that a
damaged line and a closed standard input give clear messages."""

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


def main():
    if subprocess.run(['gst-inspect-1.0', 'icesink'],
                      capture_output=True).returncode != 0:
        print('icesink not found: is GST_PLUGIN_PATH_1_0 set?')
        return 1
    test_stream()
    test_damaged_line_then_closed_input()
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
