#!/usr/bin/env python3
"""meson install into a temporary folder (DESTDIR: the configured prefix,
/usr/local by default, under a temporary root), then use the installation
as a user of that prefix would:

- everything meson says it installs is there, in its usual place: the
  plugin, the library, the public headers only, the pkg-config file, the
  typelib and .gir, the programs, the systemd units and their example
  environment files;
- a tiny application builds and runs against the installed headers with
  nothing but the installed pkg-config file;
- every installed program answers --help (the signalling server and the
  NAT probe, gst-ice-probe);
- gst-inspect-1.0 finds icesink and icesrc in the installed plugin;
- Python (Debian's /usr/bin/python3) uses the installed typelib;
- the systemd units pass systemd-analyze verify (when systemd is there;
  else a small parser checks them), and their ExecStart lines, with the
  installed example environment files, run as this test's stream: the
  server unit's command and the camera unit's command (videotestsrc and
  x264enc instead of the Pi's camera and encoder), with an icesrc from the
  installed plugin receiving.

Usage: install.py BUILD_DIR APP_SOURCE [introspection|no-introspection]
"""
import glob
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

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


SYSTEM_PYTHON = "/usr/bin/python3"
# programs meson installs that must answer --help (the check covers any
# installed program)
PROGRAMS = {"gst-ice-signalling-server", "gst-ice-probe"}
UNITS = {"gst-ice-signalling-server.service": "signalling-server.env",
         "gst-ice-camera.service": "camera.env"}
TOKEN = "install-test-" + os.urandom(8).hex()
TIMEOUT = 30


def installed_files(build_dir, destdir):
    """What meson installs, as paths under DESTDIR."""
    out = subprocess.run(["meson", "introspect", build_dir, "--installed"],
                         check=True, capture_output=True, text=True).stdout
    return sorted(destdir + path for path in json.loads(out).values())


def check_layout(files, destdir, introspection):
    """Each part in its usual place under the prefix; all of it there."""
    missing = [f for f in files if not os.path.lexists(f)]
    if missing:
        fail("meson install did not install %s" % missing)
    wanted = {
        "plugin": r"/lib/[^/]+/gstreamer-1\.0/libgstice\.so$",
        "library": r"/lib/[^/]+/libgstice-1\.0\.so\.0$",
        "pkg-config file": r"/pkgconfig/gstreamer-ice-1\.0\.pc$",
        "typelib": r"/lib/[^/]+/girepository-1\.0/GstIce-1\.0\.typelib$",
        "gir": r"/share/gir-1\.0/GstIce-1\.0\.gir$",
        "server": r"/bin/gst-ice-signalling-server$",
        "units": r"/lib/systemd/system/gst-ice-camera\.service$",
        "environment files": r"/share/gst-ice/camera\.env$",
    }
    if not introspection:
        del wanted["typelib"], wanted["gir"]
    for what, pattern in wanted.items():
        found = [f for f in files if re.search(pattern, f)]
        if not found:
            fail("no %s installed (looked for %s in %s)" % (what, pattern,
                                                           files))
        print("%s: %s" % (what, os.path.relpath(found[0], destdir)))


def find_one(files, pattern):
    return [f for f in files if re.search(pattern, f)][0]


def installed_env(files, tmp):
    """The environment of a user of the installation: its plugin, library
    and typelib, and nothing of the build tree."""
    env = dict(os.environ)
    for var in ("GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0", "GI_TYPELIB_PATH",
                "LD_LIBRARY_PATH", "GST_ICE_SIGNALLING_TOKEN"):
        env.pop(var, None)
    env["GST_PLUGIN_PATH_1_0"] = os.path.dirname(
        find_one(files, r"/gstreamer-1\.0/libgstice\.so$"))
    env["LD_LIBRARY_PATH"] = os.path.dirname(
        find_one(files, r"/libgstice-1\.0\.so\.0$"))
    typelibs = [f for f in files if f.endswith("/GstIce-1.0.typelib")]
    if typelibs:
        env["GI_TYPELIB_PATH"] = os.path.dirname(typelibs[0])
    env["GST_REGISTRY_1_0"] = os.path.join(tmp, "registry.bin")
    return env


def check_programs(files, env):
    programs = [f for f in files if re.search(r"/bin/[^/]+$", f)]
    names = {os.path.basename(p) for p in programs}
    if not PROGRAMS <= names:
        fail("programs %s not installed" % sorted(PROGRAMS - names))
    for program in programs:
        run = subprocess.run([program, "--help"], env=env,
                             capture_output=True, text=True, timeout=30)
        if run.returncode != 0 or "Usage" not in run.stdout:
            fail("installed %s --help exited %d without a usage: %s"
                 % (program, run.returncode, run.stdout + run.stderr))
        print("%s --help: %s" % (os.path.basename(program),
                                 run.stdout.strip().splitlines()[0]))


def check_inspect(env, destdir):
    for element in ("icesink", "icesrc"):
        run = subprocess.run(["gst-inspect-1.0", element], env=env,
                             capture_output=True, text=True, timeout=60)
        filename = re.search(r"Filename\s+(\S+)", run.stdout)
        if run.returncode != 0 or not filename or \
                not filename.group(1).startswith(destdir):
            fail("gst-inspect-1.0 %s did not find it in the installed "
                 "plugin: %s" % (element, run.stdout[:500] + run.stderr))
        print("gst-inspect-1.0 %s: %s" % (element, os.path.relpath(
            filename.group(1), destdir)))


def check_typelib(env):
    code = ("import gi\n"
            "gi.require_version('GstIce', '1.0')\n"
            "from gi.repository import GstIce, Gst\n"
            "Gst.init(None)\n"
            "d = GstIce.Description.parse('a=ice-ufrag:abcd\\r\\n"
            "a=ice-pwd:0123456789abcdefghijkl\\r\\n')\n"
            "s = GstIce.SignallingServer.new('127.0.0.1', 0)\n"
            "s.start()\n"
            "print('typelib: ufrag', d.ufrag, 'server port', s.get_port() > 0)\n"
            "s.stop()\n")
    run = subprocess.run([SYSTEM_PYTHON, "-c", code], env=env,
                         capture_output=True, text=True, timeout=60)
    if "typelib: ufrag abcd server port True" not in run.stdout:
        fail("Python could not use the installed typelib: %s"
             % (run.stdout + run.stderr))
    print(run.stdout.strip())


def read_unit(path):
    """The [Service] settings of a unit: name -> list of values."""
    settings, section = {}, None
    for number, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            if section not in ("Unit", "Service", "Install"):
                fail("%s:%d: unknown section %s" % (path, number, line))
            continue
        if "=" not in line or section is None:
            fail("%s:%d: not KEY=VALUE in a section: %s" % (path, number,
                                                          line))
        key, value = line.split("=", 1)
        settings.setdefault((section, key.strip()), []).append(value.strip())
    for needed in (("Service", "ExecStart"), ("Service", "EnvironmentFile"),
                   ("Service", "DynamicUser"), ("Service", "ProtectSystem"),
                   ("Install", "WantedBy")):
        if needed not in settings:
            fail("%s has no %s= in [%s]" % (path, needed[1], needed[0]))
    return settings


def read_env_file(path):
    env = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env


def expand_exec(command, env):
    """systemd's ExecStart expansion: a word that is $VAR alone becomes
    VAR's words (split at spaces), ${VAR} one word."""
    argv = []
    for word in shlex.split(command):
        alone = re.fullmatch(r"\$(\w+)", word)
        if alone:
            argv += env.get(alone.group(1), "").split()
        else:
            argv.append(re.sub(r"\$\{(\w+)\}",
                               lambda m: env.get(m.group(1), ""), word))
    return argv


def check_units(files, destdir, run_env, tmp):
    units = {os.path.basename(f): f for f in files
             if f.endswith(".service")}
    if set(units) != set(UNITS):
        fail("installed units %s, expected %s" % (sorted(units),
                                                   sorted(UNITS)))
    prefix_root = destdir
    # the units name the installed paths: here they are under DESTDIR
    checked = os.path.join(tmp, "units")
    os.makedirs(checked)
    for name, path in units.items():
        text = open(path).read()
        text = re.sub(r"(ExecStart=|GST_PLUGIN_PATH=)(/\S+)",
                      lambda m: m.group(1) + (m.group(2) if
                                              os.path.exists(m.group(2)) and
                                              "gst-launch" in m.group(2)
                                              else prefix_root + m.group(2)),
                      text)
        with open(os.path.join(checked, name), "w") as f:
            f.write(text)
    if shutil.which("systemd-analyze"):
        run = subprocess.run(["systemd-analyze", "verify"] +
                             [os.path.join(checked, n) for n in units],
                             capture_output=True, text=True, timeout=60)
        if run.returncode != 0 or run.stderr.strip():
            fail("systemd-analyze verify: %s" % (run.stdout + run.stderr))
        for name in units:
            run = subprocess.run(["systemd-analyze", "security",
                                  "--offline=yes",
                                  os.path.join(checked, name)],
                                 capture_output=True, text=True, timeout=60)
            level = re.search(r"Overall exposure level for \S+: ([\d.]+)",
                              run.stdout)
            if not level or float(level.group(1)) > 2.5:
                fail("%s is exposed: %s" % (name, run.stdout[-500:]))
            print("systemd-analyze security %s: exposure %s" % (
                name, level.group(1)))
    else:
        print("no systemd-analyze: the units are checked by the parser only")

    cache = os.path.join(tmp, "cache")
    server_unit = read_unit(os.path.join(checked,
                                         "gst-ice-signalling-server.service"))
    camera_unit = read_unit(os.path.join(checked, "gst-ice-camera.service"))
    env_dir = os.path.dirname(find_one(files, r"/share/gst-ice/camera\.env$"))

    # a user's `systemctl help UNIT` opens what the units point to: a
    # document that is installed with them
    for name, unit in (("gst-ice-signalling-server.service", server_unit),
                       ("gst-ice-camera.service", camera_unit)):
        for doc in unit.get(("Unit", "Documentation"), []):
            path = doc[len("file://"):] if doc.startswith("file://") else None
            if path is None or not os.path.isfile(destdir + path):
                fail("%s: Documentation=%s is not an installed file" % (
                    name, doc))

    # the shipped examples define everything the units use
    for unit, env_name in ((server_unit, "signalling-server.env"),
                           (camera_unit, "camera.env")):
        example = read_env_file(os.path.join(env_dir, env_name))
        used = set(re.findall(r"\$\{?(\w+)",
                              unit[("Service", "ExecStart")][0]))
        if not used <= set(example):
            fail("%s does not define %s" % (env_name,
                                            sorted(used - set(example))))

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server_env = dict(read_env_file(os.path.join(
        env_dir, "signalling-server.env")), HOST="127.0.0.1", PORT=str(port),
        GST_ICE_SIGNALLING_TOKEN=TOKEN)
    camera_env = dict(read_env_file(os.path.join(env_dir, "camera.env")),
                      SOURCE="videotestsrc is-live=true ! "
                      "video/x-raw,width=320,height=240",
                      ENCODER="x264enc tune=zerolatency",
                      ICESINK_OPTIONS="signaller::uri=ws://127.0.0.1:%d "
                      "local-addresses=127.0.0.1 peer-id=unit-camera" % port,
                      GST_ICE_SIGNALLING_TOKEN=TOKEN)
    for unit, unit_env in ((server_unit, server_env),
                           (camera_unit, camera_env)):
        for line in unit.get(("Service", "Environment"), []):
            key, value = line.split("=", 1)
            unit_env[key] = value.replace("%C", cache)

    processes = []
    try:
        argv = expand_exec(server_unit[("Service", "ExecStart")][0],
                           server_env)
        print("server unit runs: %s" % " ".join(argv))
        server = subprocess.Popen(argv, env=dict(run_env, **server_env),
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        processes.append(server)
        line = server.stdout.readline()
        if "listening on ws://127.0.0.1:%d" % port not in line:
            fail("the server unit's command did not listen: %r" % line)
        argv = expand_exec(camera_unit[("Service", "ExecStart")][0],
                           camera_env)
        print("camera unit runs: %s" % " ".join(argv))
        camera_run_env = dict(run_env, **camera_env)
        camera = subprocess.Popen(argv, env=camera_run_env,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        processes.append(camera)
        receiver = subprocess.run(
            ["gst-launch-1.0", "icesrc", "local-addresses=127.0.0.1",
             "signaller::uri=ws://127.0.0.1:%d" % port, "!",
             "rtph264depay", "!", "fakesink", "num-buffers=30"],
            env=dict(run_env, GST_ICE_SIGNALLING_TOKEN=TOKEN),
            capture_output=True, text=True, timeout=TIMEOUT)
        if receiver.returncode != 0:
            fail("the receiver got no stream from the camera unit's command: "
                 "%s" % (receiver.stdout + receiver.stderr))
        print("an icesrc of the installed plugin received 30 buffers from "
              "the camera unit's command through the server unit's")
        request = urllib.request.Request(
            "http://127.0.0.1:%d/status.json" % port,
            headers={"Authorization": "Bearer " + TOKEN})
        status = json.loads(urllib.request.urlopen(request, timeout=10)
                            .read())
        if "unit-camera" not in [p["peerId"] for p in status["peers"]]:
            fail("the server unit's status page does not list the camera: "
                 "%s" % status)
        print("the server unit's status page lists unit-camera")
    finally:
        for proc in processes:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main():
    build_dir, app_source = sys.argv[1], sys.argv[2]
    introspection = len(sys.argv) < 4 or sys.argv[3] == "introspection"
    tmp = tempfile.mkdtemp(prefix="gst-ice-install-")
    try:
        destdir = os.path.join(tmp, "root")
        subprocess.run(["meson", "install", "-C", build_dir, "--no-rebuild",
                        "--quiet", "--destdir", destdir], check=True,
                       stdout=subprocess.DEVNULL)
        files = installed_files(build_dir, destdir)
        check_layout(files, destdir, introspection)

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

        env = installed_env(files, tmp)
        check_programs(files, env)
        check_inspect(env, destdir)
        if introspection:
            check_typelib(env)
        else:
            print("built without introspection: no typelib to check")
        check_units(files, destdir, env, tmp)
        print("1 passed, 0 failed")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
