#!/usr/bin/env python3
# gst-ice
# Copyright (C) 2026 The gst-ice authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs one libFuzzer target for FUZZ_SECONDS (default 10): first every
input of its seed corpus (the regression inputs of fixed crashes among
them), then new ones.  What it finds that is new goes to a corpus in the
build directory, a crash to the artifacts directory.  Fails when the
target crashed, leaked or timed out.

usage: run_fuzzer.py TARGET SEEDS WORK_CORPUS ARTIFACTS MAX_LEN"""

import os
import subprocess
import sys


def main():
    target, seeds, work, artifacts, max_len = sys.argv[1:6]
    seconds = int(os.environ.get('FUZZ_SECONDS', '10'))
    os.makedirs(work, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    command = [target,
               '-max_total_time=%d' % seconds,
               '-max_len=%s' % max_len,
               '-timeout=10',
               '-rss_limit_mb=2048',
               '-print_final_stats=1',
               # its default, 77, is what meson takes for a skipped test
               '-error_exitcode=1',
               '-artifact_prefix=%s/' % artifacts,
               work, seeds]
    print(' '.join(command), flush=True)
    status = subprocess.call(command)
    if status != 0:
        print('%s failed (exit %d): the input is in %s' %
              (os.path.basename(target), status, artifacts))
    return status


if __name__ == '__main__':
    sys.exit(main())
