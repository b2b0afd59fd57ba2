#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs every example against a real peer on loopback and checks what it
prints: ice-camera (C) with ice-receiver.py (Python) watching it, and
http-signaller.py's mailbox, sender and receiver (a signaller written in
Python, plugged into icesink and icesrc through GObject introspection).

Usage: examples_stream.py BUILD_DIR SOURCE_DIR

The Python examples run under Debian's /usr/bin/python3 (PyGObject)."""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BUILD, SOURCE = sys.argv[1], sys.argv[2]
SYSTEM_PYTHON = '/usr/bin/python3'
TIMEOUT = 30
LOOPBACK = 'local-addresses=127.0.0.1'

failures = []
processes = []


def check(condition, what, output=''):
    if condition:
        print('ok   %s' % what)
    else:
        failures.append(what)
        print('FAIL: %s\n--- output\n%s' % (what, output[-3000:]))


class Program:
    """A running example whose output lines are collected."""

    def __init__(self, argv):
        self.lines = []
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     errors='replace', env=ENV)
        processes.append(self.proc)
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip('\n'))

    @property
    def output(self):
        return '\n'.join(self.lines)

    def wait_for(self, pattern, timeout=TIMEOUT):
        """The first match of @pattern in the output, waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                match = re.search(pattern, line)
                if match:
                    return match
            if self.proc.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.1)
        return None

    def stop(self, sig=subprocess.signal.SIGINT):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)
        return self.proc.returncode


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def camera_and_receiver():
    port = free_port()
    camera = Program([os.path.join(BUILD, 'examples', 'ice-camera'),
                      '--stats-interval', '1', 'run-signalling-server=true',
                      'signalling-server-host=127.0.0.1',
                      'signalling-server-port=%d' % port, LOOPBACK,
                      'peer-id=c-camera'])
    check(camera.wait_for('sending; Ctrl-C to stop'), 'ice-camera starts',
          camera.output)
    receiver = Program([SYSTEM_PYTHON,
                        os.path.join(SOURCE, 'examples', 'ice-receiver.py'),
                        'signaller::uri=ws://127.0.0.1:%d' % port, LOOPBACK,
                        'peer-id=py-viewer', '--duration', '4'])
    pair = r'host 127\.0\.0\.1:\d+ <-> host 127\.0\.0\.1:\d+ over udp'
    check(receiver.wait_for('selected pair with c-camera: ' + pair),
          'ice-receiver.py prints the pair selected with the camera',
          receiver.output)
    check(camera.wait_for('viewer py-viewer joined'),
          'ice-camera prints the viewer joining', camera.output)
    check(camera.wait_for('viewer py-viewer: ' + pair),
          "ice-camera prints the viewer's pair", camera.output)
    check(camera.wait_for(r'py-viewer \(ready, host pair\): [1-9]\d* '
                          r'packets, [1-9]\d* bytes sent'),
          "ice-camera prints the viewer's traffic", camera.output)
    status = None
    try:
        status = receiver.proc.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    receiver.reader.join(5)
    check(status == 0, 'ice-receiver.py stops by itself after --duration '
          'with status 0 (got %s)' % status, receiver.output)
    counts = [int(m.group(1)) for m in re.finditer(
        r'producer c-camera: ready, ' + pair + r', (\d+) packets, \d+ bytes '
        r'received', receiver.output)]
    check(len(counts) >= 2 and counts == sorted(counts) and counts[0] > 0,
          'ice-receiver.py prints the stats as they change, packets '
          'growing: %s' % counts, receiver.output)
    check(camera.wait_for('viewer py-viewer left'),
          'ice-camera prints the viewer leaving', camera.output)
    check(camera.stop() == 0, 'ice-camera stops cleanly on Ctrl-C',
          camera.output)
    print('--- ice-camera\n%s\n--- ice-receiver.py\n%s'
          % (camera.output, receiver.output))


def post(url, body):
    """POSTs @body as JSON: the HTTP status and the answer's text."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(),
        headers={'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def http_signaller():
    script = os.path.join(SOURCE, 'examples', 'http-signaller.py')
    mailbox = Program([SYSTEM_PYTHON, script, 'serve', '--port', '0'])
    match = mailbox.wait_for(r'mailbox on (http://127\.0\.0\.1:\d+)')
    check(match, 'the mailbox starts', mailbox.output)
    if not match:
        return
    server = match.group(1)
    sender = Program([SYSTEM_PYTHON, script, 'send', '--server', server,
                      LOOPBACK, 'peer-id=py-camera'])
    check(sender.wait_for('sending as py-camera through ' + server),
          'the Python signaller sender starts', sender.output)
    receiver = Program([SYSTEM_PYTHON, script, 'receive', '--server', server,
                        '--sink', 'fakesink', '--frames', '30', LOOPBACK,
                        'peer-id=py-viewer'])
    check(receiver.wait_for('receiving 320x240 video through the Python '
                            'signaller'),
          'the receiver decodes the video signalled by Python',
          receiver.output)
    check(receiver.wait_for('received 30 frames'),
          'the receiver gets 30 frames', receiver.output)
    try:
        status = receiver.proc.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        status = None
    check(status == 0, 'the receiver exits with 0 (got %s)' % status,
          receiver.output)
    check(sender.wait_for('viewer py-viewer joined'),
          'the sender prints the viewer joining', sender.output)
    check(sender.wait_for('viewer py-viewer left'),
          'the sender prints the viewer leaving (told through the mailbox)',
          sender.output)
    # the receiver said goodbye before it exited, and a late message to
    # it is dropped, not an error for the sender
    status, answer = post(server + '/send', {
        'from': 'py-camera', 'to': 'py-viewer',
        'message': {'type': 'candidate', 'sessionId': 'late'}})
    check(status == 410, 'a message to the viewer that left is answered 410 '
          '(got %s %s)' % (status, answer), mailbox.output)
    check(sender.stop() == 0, 'the sender stops cleanly', sender.output)
    mailbox.stop(subprocess.signal.SIGTERM)
    print('--- sender\n%s\n--- receiver\n%s'
          % (sender.output, receiver.output))


ENV = dict(os.environ)
ENV['GST_PLUGIN_PATH_1_0'] = os.path.join(BUILD, 'ext', 'ice')
ENV['GI_TYPELIB_PATH'] = os.path.join(BUILD, 'gst', 'ice')
ENV['LD_LIBRARY_PATH'] = os.path.join(BUILD, 'gst', 'ice')


def main():
    try:
        camera_and_receiver()
        http_signaller()
    finally:
        for proc in processes:
            if proc.poll() is None:
                proc.kill()
    print('%d passed, %d failed' % (0 if failures else 1,
                                    1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
