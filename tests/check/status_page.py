#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The signalling server's status page, as its user sees it: a real
gst-ice-signalling-server with --status-page and a token, one camera and
two viewers (gst-launch-1.0 on loopback) streaming through it, and the
page loaded in headless Chromium (Debian's chromium).  Checks what the
page shows (peers, sessions, pair types, bitrates, uptime), that the data
needs the token and never holds it, that a page polling the server uses
no connection slot for long, that a peer whose connection broke shows as
such, and keeps a screenshot in the test log
(BUILD/meson-logs/status-page.png).

Usage: status_page.py BUILD_DIR; skips (77) without chromium."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BUILD = sys.argv[1]
SERVER = os.environ.get('GST_ICE_SIGNALLING_SERVER',
                        os.path.join(BUILD, 'server',
                                     'gst-ice-signalling-server'))
TIMEOUT = 30
TOKEN = 'status-test-' + os.urandom(8).hex()

failures = []
processes = []


def check(condition, what, detail=''):
    if condition:
        print('ok   %s' % what)
    else:
        failures.append(what)
        print('FAIL: %s\n%s' % (what, detail[-3000:]))


def start(argv, env=None):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            errors='replace', env=env)
    processes.append(proc)
    return proc


def get(url, token=None):
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header('Authorization', 'Bearer ' + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(condition, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


def chromium(args, url, tmp):
    return subprocess.run(
        ['chromium', '--headless', '--no-sandbox', '--disable-gpu',
         '--user-data-dir=' + os.path.join(tmp, 'profile'),
         '--virtual-time-budget=3000'] + args + [url],
        capture_output=True, text=True, timeout=90)


def main():
    if shutil.which('chromium') is None:
        print('SKIP: chromium is not installed (apt-get install chromium)')
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix='gst-ice-status-')
    token_file = os.path.join(tmp, 'token')
    with open(token_file, 'w') as f:
        f.write(TOKEN + '\n')
    os.chmod(token_file, 0o600)

    server = start([SERVER, '--host', '127.0.0.1', '--port', '0',
                    '--token-file', token_file, '--status-page'])
    line = server.stdout.readline()
    match = re.search(r'listening on ws://127.0.0.1:(\d+)', line)
    if not match:
        print('FAIL: the server did not start: %r' % line)
        sys.exit(1)
    port = int(match.group(1))
    check('status page on http://127.0.0.1:%d/' % port in
          server.stdout.readline(), 'the server says where its page is')
    base = 'http://127.0.0.1:%d/' % port
    uri = 'ws://127.0.0.1:%d' % port

    env = dict(os.environ, GST_ICE_SIGNALLING_TOKEN=TOKEN)
    start(['gst-launch-1.0', 'videotestsrc', 'is-live=true', '!',
           'video/x-raw,width=320,height=240', '!', 'x264enc',
           'tune=zerolatency', '!', 'rtph264pay', '!', 'icesink',
           'local-addresses=127.0.0.1', 'signaller::uri=' + uri,
           'peer-id=test-camera'], env)
    viewers = {}
    for viewer in ('viewer-1', 'viewer-2'):
        viewers[viewer] = start(['gst-launch-1.0', 'icesrc', 'local-addresses=127.0.0.1',
               'signaller::uri=' + uri, 'peer-id=' + viewer, '!',
               'fakesink'], env)

    def streaming():
        status, body = get(base + 'status.json', TOKEN)
        if status != 200:
            return None
        data = json.loads(body)
        reports = [s.get(side, {}) for s in data['sessions']
                   for side in ('producerReport', 'consumerReport')]
        if len(data['sessions']) == 2 and all(
                r.get('localCandidateType') and
                r.get('bitrateSent', 0) + r.get('bitrateReceived', 0) > 0
                for r in reports):
            return data
        return None

    data = wait_for(streaming)
    check(data is not None, 'status.json shows two sessions with pairs '
          'and bitrates', get(base + 'status.json', TOKEN)[1])
    if data is not None:
        print(json.dumps(data, indent=1))
        check(sorted(p['peerId'] for p in data['peers']) ==
              ['test-camera', 'viewer-1', 'viewer-2'],
              'status.json lists the three peers with their roles')
        check(all(s['producer'] == 'test-camera' for s in data['sessions']),
              'each session names its producer and consumer')
        check(all(s['producerReport']['transport'] == 'udp' and
                  s['producerReport']['localCandidateType'] == 'host'
                  for s in data['sessions']),
              'the selected pairs are host/udp on loopback')

    status, body = get(base + 'status.json')
    check(status == 401, 'status.json without the token is refused (401)',
          body)
    status, body = get(base + 'status.json', 'wrong')
    check(status == 401, 'status.json with a wrong token is refused (401)',
          body)
    status, body = get(base)
    check(status == 200 and 'test-camera' not in body,
          'the page itself is served and holds no data', body)
    status, body = get(base + 'status.json', TOKEN)
    check(TOKEN not in body, 'status.json never holds the token', body)

    # max-connections-per-address is 32: each answered request must free
    # its slot, or the 33rd is refused
    codes = [get(base + 'status.json', TOKEN)[0] for _ in range(40)]
    check(codes == [200] * 40, '40 requests in a row from one address are '
          'all answered (no connection slot kept)', str(codes))

    shot = os.path.join(BUILD, 'meson-logs', 'status-page.png')
    os.makedirs(os.path.dirname(shot), exist_ok=True)
    page = chromium(['--dump-dom'], base + '#token=' + TOKEN, tmp)
    dom = page.stdout
    print(re.sub(r'(?s).*<body>|</body>.*', '', dom))
    for text in ('test-camera', 'viewer-1', 'viewer-2', '3 peer(s)',
                 '2 session(s)', 'host ↔ host (udp)', 'ready'):
        check(text in dom, 'the page in Chromium shows %r' % text,
              dom + page.stderr)
    check(re.search(r'\d+(\.\d+)? (Mbit|kbit)/s', dom) is not None,
          'the page in Chromium shows bitrates', dom)
    check(re.search(r'Up <span id="uptime">\d+ s</span>', dom) is not None,
          'the page in Chromium shows the uptime', dom)
    check(TOKEN not in re.sub(r'(?s)<script.*', '', dom),
          'the page does not show the token', dom)
    chromium(['--window-size=1100,600', '--screenshot=' + shot],
             base + '#token=' + TOKEN, tmp)
    check(os.path.getsize(shot) > 1000 if os.path.exists(shot) else False,
          'screenshot kept in %s' % shot)

    page = chromium(['--dump-dom'], base, tmp)
    check('asks for its token' in page.stdout and
          'test-camera' not in page.stdout,
          'without the token in its address the page says it needs one',
          page.stdout)

    # a viewer killed without a goodbye keeps its registration for the
    # resume timeout: the page says its connection broke
    viewers['viewer-2'].kill()

    def broken():
        peers = json.loads(get(base + 'status.json', TOKEN)[1])['peers']
        return [p for p in peers if p['peerId'] == 'viewer-2' and
                p.get('connection') == 'broken, may resume'] or None

    check(wait_for(broken) is not None, 'status.json shows the killed '
          "viewer's connection as broken, may resume",
          get(base + 'status.json', TOKEN)[1])

    for proc in processes:
        proc.terminate()
    for proc in processes:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (0 if failures else 1,
                                    1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    try:
        main()
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
