#!/usr/bin/python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A signaller written in Python and plugged into icesink and icesrc: the
GstIce.Signaller interface (GObject introspection of libgstice-1.0)
implemented over a plain HTTP mailbox that this file also serves.

  http-signaller.py serve [--host 127.0.0.1] [--port 8080]
  http-signaller.py send --server http://HOST:8080 [ICESINK-PROPERTY=VALUE...]
  http-signaller.py receive --server http://HOST:8080 [ICESRC-PROPERTY=VALUE...]

The mailbox knows peers, not sessions: POST /register {peerId, role},
POST /send {from, to, message}, GET /poll?peer=ID (waits up to 10 s for
messages), POST /leave {peerId}.  A message to a peer that has left is
answered 410 and dropped: the sender hears of it as peerLeft, and may have
sent to it meanwhile.  The signaller keeps its sessions itself.
It runs under Debian's /usr/bin/python3, which has PyGObject."""

import argparse
import http.server
import json
import os
import queue
import signal
import socketserver
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

EXAMPLES = os.path.dirname(os.path.abspath(__file__))
POLL_WAIT_S = 10
# how long stop() waits for the mailbox to hear of the leave
LEAVE_WAIT_S = 5

DESCRIPTION = """\
A gst-ice signaller written in Python over a plain HTTP mailbox.
'serve' runs the mailbox; 'send' streams a test picture through icesink
and 'receive' takes it with icesrc, both with this signaller plugged in as
their 'signaller' property.  Run each command with --help for its options.
"""

EPILOG = """\
example, three terminals:
  %(prog)s serve --port 8080
  %(prog)s send --server http://127.0.0.1:8080
  %(prog)s receive --server http://127.0.0.1:8080

It needs the gst-ice plugin (icesink, icesrc) and the GstIce typelib: after
a build, point GST_PLUGIN_PATH at the build's ext/ice folder and
GI_TYPELIB_PATH and LD_LIBRARY_PATH at its gst/ice folder.
"""


# The mailbox (serve)

class Mailbox:
    """Peers and their queues of messages; thread-safe."""

    def __init__(self):
        self.lock = threading.Condition()
        self.roles = {}
        self.queues = {}

    def push(self, peer, message):
        self.queues[peer].append(message)
        self.lock.notify_all()

    def register(self, peer, role):
        with self.lock:
            if peer in self.roles:
                return 'peer id %r is already registered' % peer
            self.roles[peer] = role
            self.queues[peer] = []
            for other, other_role in self.roles.items():
                if role == 'producer' and other_role == 'consumer':
                    self.push(other, {'type': 'producerAdded',
                                      'peerId': peer})
                elif role == 'consumer' and other_role == 'producer':
                    self.push(peer, {'type': 'producerAdded',
                                     'peerId': other})
        return None

    def send(self, sender, to, message):
        """Returns None, or the HTTP status and the error."""
        with self.lock:
            if sender not in self.roles:
                return 409, 'peer %r is not registered' % sender
            if to not in self.roles:
                return 410, 'peer %r has left or never came' % to
            message = dict(message, peerId=sender)
            self.push(to, message)
        return None

    def leave(self, peer):
        with self.lock:
            if self.roles.pop(peer, None) is None:
                return
            del self.queues[peer]
            for other in self.roles:
                self.push(other, {'type': 'peerLeft', 'peerId': peer})

    def poll(self, peer):
        with self.lock:
            if peer not in self.queues:
                return None
            self.lock.wait_for(lambda: peer not in self.queues or
                               self.queues[peer], timeout=POLL_WAIT_S)
            messages = self.queues.get(peer, [])
            if peer in self.queues:
                self.queues[peer] = []
            return messages


class MailboxHandler(http.server.BaseHTTPRequestHandler):
    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        peer = urllib.parse.parse_qs(url.query).get('peer', [None])[0]
        if url.path != '/poll' or peer is None:
            return self.answer(404, {'error': 'GET /poll?peer=ID only'})
        messages = self.server.mailbox.poll(peer)
        if messages is None:
            return self.answer(404, {'error': 'peer %r is not registered'
                                     % peer})
        self.answer(200, {'messages': messages})

    def do_POST(self):
        try:
            length = int(self.headers.get('Content-Length', 0))
            body = json.loads(self.rfile.read(length))
            mailbox = self.server.mailbox
            if self.path == '/register':
                error = mailbox.register(body['peerId'], body['role'])
            elif self.path == '/send':
                refused = mailbox.send(body['from'], body['to'],
                                       body['message'])
                if refused:
                    return self.answer(refused[0], {'error': refused[1]})
                error = None
            elif self.path == '/leave':
                error = mailbox.leave(body['peerId'])
            else:
                return self.answer(404, {'error': 'no such path'})
        except (ValueError, KeyError, TypeError) as e:
            return self.answer(400, {'error': 'bad request: %s' % e})
        if error:
            return self.answer(409, {'error': error})
        self.answer(200, {})

    def log_message(self, format, *args):
        pass


class MailboxServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def serve(args):
    try:
        server = MailboxServer((args.host, args.port), MailboxHandler)
    except OSError as e:
        sys.exit('could not listen on %s:%d: %s' % (args.host, args.port,
                                                    e.strerror))
    server.mailbox = Mailbox()
    print('mailbox on http://%s:%d' % server.server_address, flush=True)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


# The signaller (send, receive)

def plugin_hint(element):
    build = os.path.normpath(os.path.join(EXAMPLES, '..', 'build'))
    where = build if os.path.isdir(build) else 'BUILD'
    return ('%s was not found: GStreamer looks for plugins in its system '
            'folders and in GST_PLUGIN_PATH.\n'
            'After a build, run: export GST_PLUGIN_PATH=%s/ext/ice\n'
            'After meson install, run: export GST_PLUGIN_PATH='
            'PREFIX/lib/<arch>/gstreamer-1.0\n'
            'gst-inspect-1.0 %s then describes it.' % (element, where,
                                                       element))


def typelib_hint(error):
    build = os.path.normpath(os.path.join(EXAMPLES, '..', 'build'))
    where = build if os.path.isdir(build) else 'BUILD'
    return ('the GstIce typelib (GObject introspection of libgstice-1.0) '
            'was not found (%s).\n'
            'After a build, run: export GI_TYPELIB_PATH=%s/gst/ice '
            'LD_LIBRARY_PATH=%s/gst/ice\n'
            'After meson install, run: export GI_TYPELIB_PATH='
            'PREFIX/lib/<arch>/girepository-1.0' % (error, where, where))


def import_gst_ice():
    try:
        import gi
        gi.require_version('Gst', '1.0')
        gi.require_version('GLib', '2.0')
    except (ImportError, ValueError) as e:
        sys.exit('PyGObject or GStreamer introspection is missing here (%s): '
                 'run this with /usr/bin/python3, or apt-get install '
                 'python3-gi gir1.2-gstreamer-1.0' % e)
    try:
        gi.require_version('GstIce', '1.0')
        from gi.repository import GstIce  # noqa: F401
    except (ImportError, ValueError) as e:
        sys.exit(typelib_hint(e))
    from gi.repository import GLib, GObject, Gst, GstIce
    return GLib, GObject, Gst, GstIce


def define_signaller(GLib, GObject, GstIce):
    class HttpSignaller(GObject.Object, GstIce.Signaller):
        """GstIce.Signaller over the mailbox.  icesink and icesrc call its
        methods from their transport thread, whose main context is the
        thread-default one at start(): every signal is emitted there.  The
        HTTP calls run in two threads of its own, one polling, one
        sending in order."""

        __gtype_name__ = 'GstIcePyHttpSignaller'

        server = GObject.Property(type=str, default='http://127.0.0.1:8080',
                                  nick='Server',
                                  blurb='URL of the HTTP mailbox')

        def __init__(self):
            super().__init__()
            self.generation = 0
            self.running = False

        # calls from the element

        def do_start(self, role, peer_id):
            self.generation += 1
            self.running = True
            self.context = GLib.MainContext.ref_thread_default()
            self.role = role
            self.peer_id = peer_id
            self.sessions = {}  # session id -> the other peer
            self.outbox = queue.Queue()
            self.outbox_thread = None
            generation = self.generation
            threading.Thread(target=self.run, args=(generation,),
                             daemon=True).start()

        def do_stop(self):
            if not self.running:
                return
            self.running = False
            self.generation += 1
            self.outbox.put(('/leave', {'peerId': self.peer_id}))
            self.outbox.put(None)
            # the mailbox hears of the leave before the program may exit:
            # a peer id left registered could not register again
            if self.outbox_thread is not None:
                self.outbox_thread.join(LEAVE_WAIT_S)

        def do_request_session(self, producer_id):
            session_id = str(uuid.uuid4())
            self.sessions[session_id] = producer_id
            self.send(producer_id, {'type': 'startSession',
                                    'sessionId': session_id})
            self.dispatch(self.generation, lambda: self.emit_session_started(
                session_id, producer_id))

        def do_send_description(self, session_id, description):
            self.send_to_session(session_id, {'type': 'description',
                                              'description': description})

        def do_send_candidate(self, session_id, candidate):
            self.send_to_session(session_id, {'type': 'candidate',
                                              'candidate': candidate})

        def do_end_session(self, session_id):
            self.send_to_session(session_id, {'type': 'endSession'})
            self.sessions.pop(session_id, None)

        def do_end_session_with_reason(self, session_id, reason, message):
            self.send_to_session(session_id, {'type': 'endSession',
                                              'reason': reason,
                                              'message': message})
            self.sessions.pop(session_id, None)

        # HTTP

        def send(self, to, message):
            self.outbox.put(('/send', {'from': self.peer_id, 'to': to,
                                       'message': message}))

        def send_to_session(self, session_id, message):
            if session_id in self.sessions:
                self.send(self.sessions[session_id],
                          dict(message, sessionId=session_id))

        def post(self, path, body):
            request = urllib.request.Request(
                self.server + path, data=json.dumps(body).encode(),
                headers={'Content-Type': 'application/json'})
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())

        def run(self, generation):
            """Registers, then sends and polls until stopped."""
            role = 'producer' if self.role == \
                GstIce.SignallerRole.PRODUCER else 'consumer'
            try:
                self.post('/register', {'peerId': self.peer_id,
                                        'role': role})
            except (OSError, ValueError) as e:
                self.fail(generation, 'could not register with the HTTP '
                          'mailbox %s: %s' % (self.server, describe(e)))
                return
            self.outbox_thread = threading.Thread(
                target=self.run_outbox, args=(generation,), daemon=True)
            self.outbox_thread.start()
            poll = '%s/poll?peer=%s' % (
                self.server, urllib.parse.quote(self.peer_id))
            while generation == self.generation:
                try:
                    with urllib.request.urlopen(
                            poll, timeout=POLL_WAIT_S + 10) as response:
                        messages = json.loads(response.read())['messages']
                except (OSError, ValueError, KeyError) as e:
                    self.fail(generation, 'lost the HTTP mailbox %s: %s'
                              % (self.server, describe(e)))
                    return
                for message in messages:
                    self.dispatch(generation,
                                  lambda m=message: self.handle(m))

        def run_outbox(self, generation):
            while True:
                item = self.outbox.get()
                if item is None:
                    return
                try:
                    self.post(*item)
                except urllib.error.HTTPError as e:
                    # to a peer that left meanwhile: its peerLeft follows
                    if e.code != 410 and item[0] != '/leave':
                        self.fail(generation, 'could not send to the HTTP '
                                  'mailbox %s: %s' % (self.server,
                                                      describe(e)))
                except (OSError, ValueError) as e:
                    if item[0] != '/leave':
                        self.fail(generation, 'could not send to the HTTP '
                                  'mailbox %s: %s' % (self.server,
                                                      describe(e)))

        def dispatch(self, generation, function):
            """Runs @function in the element's context, unless stopped
            since: no signal after stop()."""
            def run():
                if generation == self.generation:
                    function()
                return GLib.SOURCE_REMOVE
            source = GLib.Idle()
            source.set_callback(lambda *a: run())
            source.attach(self.context)

        def fail(self, generation, text):
            error = GLib.Error.new_literal(GstIce.error_quark(), text,
                                           int(GstIce.Error.SIGNALLING))
            self.dispatch(generation, lambda: self.emit_error(error))

        # messages from the mailbox, in the element's context

        def handle(self, message):
            kind = message.get('type')
            peer = message.get('peerId')
            session_id = message.get('sessionId')
            if kind == 'producerAdded':
                self.emit_producer_added(peer)
            elif kind == 'peerLeft':
                for sid, other in list(self.sessions.items()):
                    if other == peer:
                        del self.sessions[sid]
                        self.emit_session_ended(sid)
                if self.role == GstIce.SignallerRole.CONSUMER:
                    self.emit_producer_removed(peer)
            elif kind == 'startSession':
                self.sessions[session_id] = peer
                self.emit_session_requested(session_id, peer)
            elif session_id not in self.sessions:
                pass  # a session that ended meanwhile
            elif kind == 'description':
                self.emit_session_description(session_id,
                                              message['description'])
            elif kind == 'candidate':
                self.emit_session_candidate(session_id, message['candidate'])
            elif kind == 'endSession':
                del self.sessions[session_id]
                if message.get('reason'):
                    self.emit_session_ended_with_reason(
                        session_id, message['reason'], message.get('message'))
                self.emit_session_ended(session_id)

    return HttpSignaller


def describe(error):
    if isinstance(error, urllib.error.HTTPError):
        try:
            return '%d %s' % (error.code, json.loads(error.read())['error'])
        except (ValueError, KeyError):
            return str(error)
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error)


def stream(args):
    GLib, GObject, Gst, GstIce = import_gst_ice()
    Gst.init(None)
    element = 'icesink' if args.command == 'send' else 'icesrc'
    if Gst.ElementFactory.find(element) is None:
        sys.exit(plugin_hint(element))
    for prop in args.properties:
        if '=' not in prop or prop.startswith('='):
            sys.exit("argument '%s' is not PROPERTY=VALUE, a property of %s"
                     % (prop, element))
    url = urllib.parse.urlparse(args.server)
    if url.scheme != 'http' or not url.hostname:
        sys.exit("--server '%s' is not an http:// URL" % args.server)

    HttpSignaller = define_signaller(GLib, GObject, GstIce)
    if args.command == 'send':
        description = ('videotestsrc is-live=true ! video/x-raw,width=320,'
                       'height=240 ! x264enc tune=zerolatency ! rtph264pay '
                       'config-interval=-1 ! icesink name=ice %s'
                       % ' '.join(args.properties))
    else:
        description = ('icesrc name=ice %s ! rtph264depay ! avdec_h264 name=decoder ! '
                       'videoconvert ! %s' % (' '.join(args.properties),
                                              args.sink))
    try:
        pipeline = Gst.parse_launch_full(description, None,
                                         Gst.ParseFlags.FATAL_ERRORS)
    except GLib.Error as e:
        sys.exit('could not make the pipeline: %s' % e.message)
    ice = pipeline.get_by_name('ice')
    signaller = HttpSignaller()
    signaller.props.server = args.server.rstrip('/')
    ice.set_property('signaller', signaller)

    loop = GLib.MainLoop()
    status = {'code': 0, 'frames': 0}

    if args.command == 'send':
        ice.connect('peer-added', lambda e, peer: print(
            'viewer %s joined' % peer, flush=True))
        ice.connect('peer-removed', lambda e, peer: print(
            'viewer %s left' % peer, flush=True))
    else:
        def on_frame(pad, info):
            status['frames'] += 1
            if status['frames'] == 1:
                caps = pad.get_current_caps().get_structure(0)
                print('receiving %dx%d video through the Python signaller'
                      % (caps.get_value('width'), caps.get_value('height')),
                      flush=True)
            if args.frames and status['frames'] == args.frames:
                print('received %d frames' % args.frames, flush=True)
                GLib.idle_add(loop.quit)
            return Gst.PadProbeReturn.OK
        pipeline.get_by_name('decoder').get_static_pad('src').add_probe(Gst.PadProbeType.BUFFER,
                                                on_frame)

    def on_message(bus, message):
        if message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            print('error: %s' % error.message, file=sys.stderr, flush=True)
            status['code'] = 1
            loop.quit()
        elif message.type == Gst.MessageType.WARNING:
            print('warning: %s' % message.parse_warning()[0].message,
                  file=sys.stderr, flush=True)

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect('message', on_message)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    if pipeline.set_state(Gst.State.PLAYING) == \
            Gst.StateChangeReturn.FAILURE:
        message = bus.timed_pop_filtered(0, Gst.MessageType.ERROR)
        if message:
            on_message(bus, message)
        status['code'] = 1
    else:
        print('%s as %s through %s; Ctrl-C to stop'
              % ('sending' if args.command == 'send' else 'receiving',
                 ice.get_property('peer-id'), args.server), flush=True)
        loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    return status['code']


def main():
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', metavar='COMMAND')
    commands.required = True
    p = commands.add_parser('serve', help='run the HTTP mailbox')
    p.add_argument('--host', default='127.0.0.1',
                   help='address to listen on (default 127.0.0.1)')
    p.add_argument('--port', type=int, default=8080,
                   help='TCP port (default 8080; 0 picks one)')
    for name, element in (('send', 'icesink'), ('receive', 'icesrc')):
        p = commands.add_parser(
            name, help='%s a test stream through %s' % (
                'send' if name == 'send' else 'receive', element))
        p.add_argument('--server', default='http://127.0.0.1:8080',
                       help='URL of the mailbox (default '
                       'http://127.0.0.1:8080)')
        p.add_argument('properties', nargs='*', metavar='PROPERTY=VALUE',
                       help='a property of %s' % element)
        if name == 'receive':
            p.add_argument('--sink', default='autovideosink',
                           help='where the video goes (default '
                           'autovideosink)')
            p.add_argument('--frames', type=int, default=0,
                           help='stop after this many frames (default: at '
                           'Ctrl-C)')
    args = parser.parse_args()
    if args.command == 'serve':
        if not 0 <= args.port <= 65535:
            parser.error('--port %d is not between 0 and 65535' % args.port)
        return serve(args)
    return stream(args)


if __name__ == '__main__':
    sys.exit(main())
