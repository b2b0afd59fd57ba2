#!/usr/bin/env python3
# Measures how long a gst-ice signalling server keeps a registered peer
# that stops reading (docs/security.md, "Signalling access and limits"):
# one raw WebSocket client registers a producer and goes silent, a second
# one (which answers pings) waits for producerRemoved.
#
#   build/server/gst-ice-signalling-server --host 127.0.0.1 --port 18555 &
#   scripts/measure-dead-peer.py 18555
#   -> dead peer dropped after 28.1 s   (default ping-interval 10: bound 30 s)
import base64, json, os, socket, sys, time

def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Key: "
              + base64.b64encode(os.urandom(16)) +
              b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    return s, buf.split(b"\r\n\r\n", 1)[1]

def send(s, text, opcode=1):
    data = text.encode() if isinstance(text, str) else text
    mask = os.urandom(4)
    hdr = bytes([0x80 | opcode, 0x80 | len(data)])
    s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

def frames(s, buf):
    while True:
        while len(buf) < 2 or len(buf) < 2 + (buf[1] & 0x7f):
            buf += s.recv(4096)
        n = buf[1] & 0x7f
        assert n < 126
        op, payload, buf = buf[0] & 0xf, buf[2:2 + n], buf[2 + n:]
        yield op, payload

port = int(sys.argv[1])
dead, _ = connect(port)
send(dead, json.dumps({"type": "register", "peerId": "dead", "role": "producer"}))
t0 = time.monotonic()
live, rest = connect(port)
send(live, json.dumps({"type": "register", "peerId": "watch", "role": "consumer"}))
for op, payload in frames(live, rest):
    if op == 9:
        send(live, payload, 0xa)
    elif op == 1 and json.loads(payload)["type"] == "producerRemoved":
        print("dead peer dropped after %.1f s" % (time.monotonic() - t0))
        break
