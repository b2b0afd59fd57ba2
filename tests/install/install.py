#!/usr/bin/env python3
"""meson install into a temporary folder (DESTDIR), then check that only
the public headers were installed and that a tiny application builds and
runs against them with nothing but the installed pkg-config file.

Usage: install.py BUILD_DIR APP_SOURCE
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

PUBLIC_HEADERS = {
    "gst/ice/ice.h",
    "gst/ice/gsticedescription.h",
    "gst/ice/gsticeerror.h",
    "gst/ice/signalling/gsticesignaller.h",
    "gst/ice/signalling/gsticesignallingserver.h",
}
EXPECTED_OUTPUT = [
    "description: ufrag abcd, caps video/x-h264",
    "error: description has no a=ice-pwd line",
    "signaller: producer-added camera",
    "server: listened on port ",
    "installed API works",
]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def relocated_pc(pc_file, destdir, out_dir):
    """A copy of the installed .pc whose prefix points into DESTDIR (the
    dependencies' .pc files are left alone, unlike with a sysroot)."""
    text = open(pc_file).read()
    prefix = re.search(r"^prefix=(.*)$", text, re.M).group(1)
    text = re.sub(r"^prefix=.*$", "prefix=" + destdir + prefix, text,
                  flags=re.M)
    os.makedirs(out_dir)
    with open(os.path.join(out_dir, os.path.basename(pc_file)), "w") as f:
        f.write(text)


def main():
    build_dir, app_source = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="gst-ice-install-")
    try:
        destdir = os.path.join(tmp, "root")
        subprocess.run(["meson", "install", "-C", build_dir, "--no-rebuild",
                        "--quiet", "--destdir", destdir], check=True,
                       stdout=subprocess.DEVNULL)

        pcs = glob.glob(destdir + "/**/pkgconfig/gstreamer-ice-1.0.pc",
                        recursive=True)
        if len(pcs) != 1:
            fail("expected one gstreamer-ice-1.0.pc, found %s" % pcs)
        includes = glob.glob(destdir + "/**/include/gstreamer-1.0",
                             recursive=True)
        if len(includes) != 1:
            fail("no include/gstreamer-1.0 folder installed")
        installed = {os.path.relpath(p, includes[0]) for p in
                     glob.glob(includes[0] + "/gst/ice/**/*.h",
                               recursive=True)}
        if installed != PUBLIC_HEADERS:
            fail("installed headers differ from the public API: extra %s, "
                 "missing %s" % (sorted(installed - PUBLIC_HEADERS),
                                 sorted(PUBLIC_HEADERS - installed)))
        print("installed headers: " + ", ".join(sorted(installed)))

        pc_dir = os.path.join(tmp, "pkgconfig")
        relocated_pc(pcs[0], destdir, pc_dir)
        env = dict(os.environ, PKG_CONFIG_PATH=pc_dir)
        flags = subprocess.run(["pkg-config", "--cflags", "--libs",
                                "gstreamer-ice-1.0"], env=env, check=True,
                               capture_output=True, text=True).stdout.split()
        app = os.path.join(tmp, "installed-api")
        # warnings are errors: a public header must compile cleanly alone
        subprocess.run(["cc", "-Wall", "-Werror", app_source, "-o", app]
                       + flags, check=True)

        libdir = os.path.dirname(os.path.dirname(pcs[0]))
        run = subprocess.run([app], env=dict(os.environ,
                                             LD_LIBRARY_PATH=libdir),
                             capture_output=True, text=True, timeout=60)
        print(run.stdout + run.stderr, end="")
        if run.returncode != 0:
            fail("the application exited with %d" % run.returncode)
        for line in EXPECTED_OUTPUT:
            if line not in run.stdout:
                fail("the application did not print '%s'" % line)

        # the programs go to bindir and run from there
        for program in ("gst-ice-probe", "gst-ice-signalling-server"):
            found = glob.glob(destdir + "/**/bin/" + program, recursive=True)
            if len(found) != 1:
                fail("%s was not installed in a bin folder" % program)
            run = subprocess.run([found[0], "--help"], capture_output=True,
                                 text=True, timeout=60,
                                 env=dict(os.environ, LD_LIBRARY_PATH=libdir))
            if run.returncode != 0 or "Usage:" not in run.stdout:
                fail("installed %s --help failed: %s" % (program,
                                                         run.stderr))
            print("installed: bin/" + program)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
