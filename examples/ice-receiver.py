#!/usr/bin/python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A receiver as a Python application: icesrc, and each producer's
statistics printed as they change (ICE state, the candidate pair, packets
and bytes received), with the pair ICE selected as it is chosen.

It runs under Debian's /usr/bin/python3, which has PyGObject
(apt-get install python3-gi gir1.2-gstreamer-1.0); a python3 without it
says so."""

import argparse
import os
import signal
import sys

EXAMPLES = os.path.dirname(os.path.abspath(__file__))

DESCRIPTION = """\
Receives a stream with icesrc and prints the statistics of each producer
it receives from whenever they change: ICE state, the selected candidate
pair and the packets and bytes received.  Each PROPERTY=VALUE sets a
property of icesrc (gst-inspect-1.0 icesrc lists them).
"""

EPILOG = """\
examples:
  %(prog)s signaller::uri=ws://HOST:8443
  %(prog)s signaller::uri=ws://HOST:8443 --then "rtph264depay ! avdec_h264 ! videoconvert ! autovideosink"
  (the sender: examples/ice-camera, or any icesink)

It needs the gst-ice plugin (icesrc): after a build, point GST_PLUGIN_PATH
at the build's ext/ice folder.
"""


def plugin_hint(element):
    build = os.path.normpath(os.path.join(EXAMPLES, '..', 'build', 'ext',
                                          'ice'))
    where = build if os.path.isdir(build) else 'BUILD/ext/ice'
    return ('%s was not found: GStreamer looks for plugins in its system '
            'folders and in GST_PLUGIN_PATH.\n'
            'After a build, run: export GST_PLUGIN_PATH=%s\n'
            'After meson install, run: export GST_PLUGIN_PATH='
            'PREFIX/lib/<arch>/gstreamer-1.0\n'
            'gst-inspect-1.0 %s then describes it.' % (element, where,
                                                       element))


def parse_args():
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('properties', nargs='*', metavar='PROPERTY=VALUE',
                        help='a property of icesrc')
    parser.add_argument('--then', default='fakesink', metavar='PIPELINE',
                        help='what follows icesrc (default: fakesink)')
    parser.add_argument('--interval', type=float, default=1.0,
                        metavar='SECONDS',
                        help='how often to look at the statistics '
                        '(default 1)')
    parser.add_argument('--duration', type=float, default=0,
                        metavar='SECONDS',
                        help='stop after this long (default: at Ctrl-C)')
    args = parser.parse_args()
    for prop in args.properties:
        if '=' not in prop or prop.startswith('='):
            parser.error("argument '%s' is not PROPERTY=VALUE, a property "
                         "of icesrc" % prop)
    if args.interval <= 0:
        parser.error('--interval %g is not a positive number of seconds'
                     % args.interval)
    return args


def import_gstreamer():
    try:
        import gi
        gi.require_version('Gst', '1.0')
        from gi.repository import GLib, Gst
    except (ImportError, ValueError) as e:
        sys.exit('PyGObject or GStreamer introspection is missing here (%s): '
                 'run this with /usr/bin/python3, or apt-get install '
                 'python3-gi gir1.2-gstreamer-1.0' % e)
    return GLib, Gst


def describe(session):
    """One line for an ice-session-stats structure."""
    pair = 'no pair yet'
    if session.has_field('local-candidate-type'):
        pair = '%s %s:%u <-> %s %s:%u over %s' % (
            session.get_string('local-candidate-type'),
            session.get_string('local-address'),
            session.get_value('local-port'),
            session.get_string('remote-candidate-type'),
            session.get_string('remote-address'),
            session.get_value('remote-port'),
            session.get_string('transport'))
    return '%s: %s, %s, %d packets, %d bytes received' % (
        session.get_string('peer-id'), session.get_string('state'), pair,
        session.get_value('packets-received'),
        session.get_value('bytes-received'))


def main():
    args = parse_args()
    GLib, Gst = import_gstreamer()
    Gst.init(None)
    if Gst.ElementFactory.find('icesrc') is None:
        sys.exit(plugin_hint('icesrc'))

    try:
        pipeline = Gst.parse_launch_full(
            'icesrc name=src %s ! %s' % (' '.join(args.properties),
                                         args.then),
            None, Gst.ParseFlags.FATAL_ERRORS)
    except GLib.Error as e:
        sys.exit('could not make the pipeline: %s' % e.message)
    src = pipeline.get_by_name('src')
    loop = GLib.MainLoop()
    last = {}
    status = {'code': 0}

    def print_stats():
        stats = src.get_property('stats')
        for i in range(stats.n_fields() if stats else 0):
            session = stats.get_value(stats.nth_field_name(i))
            line = describe(session)
            if last.get(session.get_string('session-id')) != line:
                last[session.get_string('session-id')] = line
                print('producer ' + line, flush=True)
        return GLib.SOURCE_CONTINUE

    def on_message(bus, message):
        s = message.get_structure()
        if message.type == Gst.MessageType.ELEMENT and \
                s.has_name('ice-selected-pair'):
            print('selected pair with %s: %s %s:%u <-> %s %s:%u over %s'
                  % (s.get_string('peer-id'),
                     s.get_string('local-candidate-type'),
                     s.get_string('local-address'),
                     s.get_value('local-port'),
                     s.get_string('remote-candidate-type'),
                     s.get_string('remote-address'),
                     s.get_value('remote-port'),
                     s.get_string('transport')), flush=True)
        elif message.type == Gst.MessageType.WARNING:
            print('warning: %s' % message.parse_warning()[0].message,
                  file=sys.stderr, flush=True)
        elif message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            print('error: %s' % error.message, file=sys.stderr, flush=True)
            status['code'] = 1
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect('message', on_message)
    GLib.timeout_add(int(args.interval * 1000), print_stats)
    if args.duration > 0:
        GLib.timeout_add(int(args.duration * 1000), loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)

    if pipeline.set_state(Gst.State.PLAYING) == \
            Gst.StateChangeReturn.FAILURE:
        # the error message on the bus says why
        message = bus.timed_pop_filtered(0, Gst.MessageType.ERROR)
        if message:
            on_message(bus, message)
        status['code'] = 1
    else:
        print('receiving; Ctrl-C to stop', flush=True)
        loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    return status['code']


if __name__ == '__main__':
    sys.exit(main())
