# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Plays the user of signaller-type=terminal for tests that run two
processes: copies each gst-ice: line one prints into the other's standard
input, as a person would paste it.  Shared by tests/check/launch_lines.py,
tests/check/terminal_signaller.py and tests/nat/natlab.py."""

import threading


def watch(proc):
    """Collects @proc's stdout lines in proc.lines, from a thread
    (proc.reader).  @proc needs stdout and stdin pipes in text mode."""
    proc.lines = []
    proc.peer = None
    proc.to_copy = []
    proc.copy_lock = threading.Lock()
    proc.reader = threading.Thread(target=_read, args=(proc,), daemon=True)
    proc.reader.start()


def pair_up(a, b):
    """From now on, and for what they printed already, each of @a and @b
    pastes its gst-ice: lines into the other."""
    for one, other in ((a, b), (b, a)):
        with one.copy_lock:
            one.peer = other
    _copy(a)
    _copy(b)


def _read(proc):
    for line in iter(proc.stdout.readline, ''):
        proc.lines.append(line)
        if line.startswith('gst-ice:'):
            with proc.copy_lock:
                proc.to_copy.append(line)
            _copy(proc)


def _copy(proc):
    with proc.copy_lock:
        if proc.peer is None:
            return
        while proc.to_copy:
            try:
                proc.peer.stdin.write(proc.to_copy.pop(0))
                proc.peer.stdin.flush()
            except (BrokenPipeError, ValueError):
                return
