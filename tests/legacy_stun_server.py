#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A STUN server of the kind RFC 5389 replaced: RFC 3489 (2003) only.

  legacy_stun_server.py [--host HOST] [--port PORT] [--mapped IP:PORT]

Answers each Binding Request (UDP) with a Binding Response that echoes the
request's 16 bytes of transaction id, as RFC 3489 says, and carries
MAPPED-ADDRESS (the address the request came from, in clear), then
SOURCE-ADDRESS and CHANGED-ADDRESS (both this server's address).  It knows
nothing of RFC 5389: no XOR-MAPPED-ADDRESS, no FINGERPRINT, and no magic
cookie of its own (a request with a cookie gets its own bytes back).
--mapped answers every request with that address instead, so that a test
on one machine can tell the server's answer from the host's address.

Port 0 (default) picks a free port.  Prints "LISTENING HOST PORT" on
standard output once bound, then serves until killed or until standard
input closes (so it never outlives the test that started it).  Used by
the tests of the elements' warning at start and of gst-ice-probe."""

import argparse
import ipaddress
import os
import select
import socket
import struct
import sys

BINDING_REQUEST = 0x0001
BINDING_RESPONSE = 0x0101
MAPPED_ADDRESS = 0x0001
SOURCE_ADDRESS = 0x0004
CHANGED_ADDRESS = 0x0005


def address_attribute(kind, host, port):
    """An RFC 3489 address attribute: family 1 (IPv4) only."""
    value = struct.pack('!BBH4s', 0, 1, port,
                        ipaddress.IPv4Address(host).packed)
    return struct.pack('!HH', kind, len(value)) + value


def answer(request, source, own, mapped):
    if len(request) < 20:
        return None
    kind, length = struct.unpack('!HH', request[:4])
    if kind != BINDING_REQUEST or len(request) != 20 + length:
        return None
    transaction = request[4:20]
    host, port = mapped or source
    body = (address_attribute(MAPPED_ADDRESS, host, port) +
            address_attribute(SOURCE_ADDRESS, *own) +
            address_attribute(CHANGED_ADDRESS, *own))
    return struct.pack('!HH', BINDING_RESPONSE, len(body)) + transaction + body


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--mapped', default=None,
                        help='IP:PORT to answer with instead of the source')
    args = parser.parse_args()
    mapped = None
    if args.mapped:
        host, port = args.mapped.rsplit(':', 1)
        mapped = (host, int(port))

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.host, args.port))
    own = sock.getsockname()
    print('LISTENING %s %d' % own, flush=True)
    while True:
        ready, _, _ = select.select([sock, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 4096):
            return 0
        if sock in ready:
            request, source = sock.recvfrom(2048)
            reply = answer(request, source, own, mapped)
            if reply:
                sock.sendto(reply, source)


if __name__ == '__main__':
    sys.exit(main())
