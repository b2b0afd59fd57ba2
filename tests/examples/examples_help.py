#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every example answers --help, as a new user would try it, and says
plainly what is missing when the plugin (or, for the Python ones, the
GstIce typelib) cannot be found, instead of streaming or printing GLib
criticals.  Bad input (an argument that is no property, a property
icesink does not have, a port in use, a URL of the wrong kind) gets a
message naming the bad value, never a crash or a traceback.

Usage: examples_help.py BUILD_DIR SOURCE_DIR

The Python examples run under Debian's /usr/bin/python3, which has
PyGObject (python3-gi); the python3 on PATH may not."""

import os
import socket
import subprocess
import sys
import tempfile

BUILD, SOURCE = sys.argv[1], sys.argv[2]
SYSTEM_PYTHON = '/usr/bin/python3'
TIMEOUT = 20

# name, command, the plugin element it needs, whether it needs the GstIce
# typelib
EXAMPLES = [
    ('ice-camera', [os.path.join(BUILD, 'examples', 'ice-camera')],
     'icesink', False),
    ('ice-adaptive-bitrate',
     [os.path.join(BUILD, 'examples', 'ice-adaptive-bitrate')],
     'icesink', False),
    ('ice-receiver.py', [SYSTEM_PYTHON,
                         os.path.join(SOURCE, 'examples', 'ice-receiver.py')],
     'icesrc', False),
    ('http-signaller.py send',
     [SYSTEM_PYTHON, os.path.join(SOURCE, 'examples', 'http-signaller.py'),
      'send'], 'icesink', True),
    ('http-signaller.py receive',
     [SYSTEM_PYTHON, os.path.join(SOURCE, 'examples', 'http-signaller.py'),
      'receive'], 'icesrc', True),
]

failures = []
failed_cases = set()
case = None


def fail(message):
    print('FAIL: ' + message)
    failures.append(message)
    failed_cases.add(case)


def run(name, cmd, env):
    try:
        return subprocess.run(cmd, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        fail('%s %s still ran after %d s (output: %r)'
             % (name, ' '.join(cmd[-1:]), TIMEOUT, e.stdout))
        return None


def base_env(registry):
    env = dict(os.environ)
    for var in ('GST_PLUGIN_PATH', 'GST_PLUGIN_PATH_1_0', 'GI_TYPELIB_PATH'):
        env.pop(var, None)
    # a registry of our own: one cached elsewhere may list icesink
    env['GST_REGISTRY_1_0'] = registry
    return env


def main():
    tmp = tempfile.mkdtemp(prefix='gst-ice-examples-help-')
    found = base_env(os.path.join(tmp, 'found.bin'))
    found['GST_PLUGIN_PATH_1_0'] = os.path.join(BUILD, 'ext', 'ice')
    found['GI_TYPELIB_PATH'] = os.path.join(BUILD, 'gst', 'ice')
    found['LD_LIBRARY_PATH'] = os.path.join(BUILD, 'gst', 'ice')
    missing = base_env(os.path.join(tmp, 'missing.bin'))
    missing['GI_TYPELIB_PATH'] = found['GI_TYPELIB_PATH']
    missing['LD_LIBRARY_PATH'] = found['LD_LIBRARY_PATH']

    global case
    cases = 0
    for name, cmd, element, needs_typelib in EXAMPLES:
        cases += 2
        case = (name, 'help')
        r = run(name, cmd + ['--help'], found)
        if r is not None:
            print('$ %s --help\n%s' % (name, r.stdout + r.stderr))
            if r.returncode != 0:
                fail('%s --help exited with %d' % (name, r.returncode))
            if 'Usage' not in r.stdout and 'usage' not in r.stdout:
                fail('%s --help printed no usage' % name)
            if 'sending' in r.stdout:
                fail('%s --help started streaming' % name)

        case = (name, 'no plugin')
        r = run(name, cmd, missing)
        if r is not None:
            out = r.stdout + r.stderr
            print('$ %s   # without GST_PLUGIN_PATH\n%s' % (name, out))
            if r.returncode == 0:
                fail('%s without the plugin exited with 0' % name)
            if 'CRITICAL' in out or 'Traceback' in out:
                fail('%s without the plugin printed a critical or a '
                     'traceback' % name)
            if '%s was not found' % element not in out:
                fail("%s without the plugin did not say '%s was not found'"
                     % (name, element))
            if 'GST_PLUGIN_PATH' not in out:
                fail('%s without the plugin did not say how to find it '
                     '(GST_PLUGIN_PATH)' % name)

        if not needs_typelib:
            continue
        cases += 1
        case = (name, 'no typelib')
        env = dict(found, GST_REGISTRY_1_0=os.path.join(tmp, 'found2.bin'))
        del env['GI_TYPELIB_PATH']
        r = run(name, cmd, env)
        if r is not None:
            out = r.stdout + r.stderr
            print('$ %s   # without GI_TYPELIB_PATH\n%s' % (name, out))
            if r.returncode == 0 or 'Traceback' in out:
                fail('%s without the typelib exited with %d%s'
                     % (name, r.returncode,
                        ' and a traceback' if 'Traceback' in out else ''))
            if 'GstIce typelib' not in out or 'GI_TYPELIB_PATH' not in out:
                fail('%s without the typelib did not say that the GstIce '
                     'typelib is missing and how to find it' % name)

    # bad input: (name, command, what the message must name)
    busy = socket.socket()
    busy.bind(('127.0.0.1', 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    # bound, not listening: connections to it are refused at once
    closed = socket.socket()
    closed.bind(('127.0.0.1', 0))
    closed_port = closed.getsockname()[1]
    camera = EXAMPLES[0][1]
    adaptive = EXAMPLES[1][1]
    receiver = EXAMPLES[2][1]
    signaller = [SYSTEM_PYTHON, os.path.join(SOURCE, 'examples',
                                             'http-signaller.py')]
    server = [os.path.join(BUILD, 'server', 'gst-ice-signalling-server')]
    bad_inputs = [
        ('ice-camera bogus', camera + ['bogus'],
         "argument 'bogus' is not PROPERTY=VALUE"),
        ('ice-camera nosuch=1', camera + ['nosuch=1'], 'nosuch'),
        ('ice-adaptive-bitrate bogus', adaptive + ['bogus'], "'bogus'"),
        ('ice-adaptive-bitrate nosuch=1', adaptive + ['nosuch=1'], 'nosuch'),
        ('ice-camera --stats-interval -1', camera + ['--stats-interval',
                                                      '-1'],
         '--stats-interval -1'),
        ('ice-camera with its signalling server on a port in use',
         camera + ['run-signalling-server=true',
                   'signalling-server-host=127.0.0.1',
                   'signalling-server-port=%d' % port],
         'could not listen on 127.0.0.1:%d' % port),
        ('ice-receiver.py nosuch=1', receiver + ['nosuch=1'], 'nosuch'),
        ('ice-receiver.py --interval 0', receiver + ['--interval', '0'],
         '--interval 0'),
        ('http-signaller.py serve on a port in use',
         signaller + ['serve', '--port', str(port)],
         'could not listen on 127.0.0.1:%d: Address already in use' % port),
        ('http-signaller.py send --server ftp://x',
         signaller + ['send', '--server', 'ftp://x'],
         "--server 'ftp://x' is not an http:// URL"),
        ('http-signaller.py send to nobody',
         signaller + ['send', '--server', 'http://127.0.0.1:%d' % closed_port,
                      'local-addresses=127.0.0.1'],
         'could not register with the HTTP mailbox http://127.0.0.1:%d'
         % closed_port),
        ('gst-ice-signalling-server on a port in use',
         server + ['--host', '127.0.0.1', '--port', str(port)],
         'could not listen on 127.0.0.1:%d' % port),
    ]
    for name, cmd, expected in bad_inputs:
        cases += 1
        case = (name, 'bad input')
        r = run(name, cmd, found)
        if r is None:
            continue
        out = r.stdout + r.stderr
        print('$ %s\n%s' % (name, out))
        if r.returncode == 0 or r.returncode < 0:
            fail('%s exited with %d' % (name, r.returncode))
        if 'Traceback' in out or 'CRITICAL' in out:
            fail('%s printed a traceback or a critical' % name)
        if expected not in out:
            fail("%s did not say '%s'" % (name, expected))
    busy.close()
    closed.close()

    print('%d passed, %d failed' % (cases - len(failed_cases),
                                    len(failed_cases)))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
