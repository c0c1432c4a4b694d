"""A root file system standing in for provided.al2023, for the packaged bootstraps: only glibc's shared objects
(Debian's libc6, its gconv modules aside) and gcc's C/C++ runtime (libstdc++, libgcc_s) from this machine, in
/lib64 as Amazon Linux keeps them; a decoy where Amazon Linux keeps its own libcurl (zlib under libcurl's name, so a
bootstrap that loaded it instead of the zip's would fail on curl's symbols); and the unpacked zip in /var/task. No
libcurl, OpenSSL or CA bundle of the system; /proc, as Lambda has. A launcher enters it through unprivileged user, mount
and PID namespaces and chroot and runs the zip's bootstrap, so the Runtime API emulator can start it like any
bootstrap."""
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

# Lambda's documented LD_LIBRARY_PATH, with LAMBDA_RUNTIME_DIR=/var/runtime and LAMBDA_TASK_ROOT=/var/task.
LAMBDA_LIBRARY_PATH = "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"


def user_namespaces_work():
    return subprocess.run(["unshare", "--user", "--map-root-user", "true"], capture_output=True).returncode == 0


def system_files(binary):
    """glibc's shared objects and the two gcc runtime libraries `binary` links."""
    listed = subprocess.run(["dpkg", "-L", "libc6"], capture_output=True, text=True, check=True).stdout.split()
    glibc = [Path(p) for p in listed if re.search(r"\.so(\.[0-9]+)*$", p) and "gconv" not in p and Path(p).exists()]
    linked = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    gcc = [Path(p) for p in re.findall(r"=> (\S*/lib(?:stdc\+\+|gcc_s)\.so\.[0-9]+)", linked)]
    assert len(gcc) == 2, linked
    return glibc + gcc


def build(package, folder, leave_out=None):
    """The root for `package` (a zip) under `folder`, and the launcher to give the emulator as the bootstrap.
    `leave_out` names a library of the zip's lib/ to remove, to show what then happens."""
    root = Path(folder) / "root"
    for sub in ("lib64", "usr/lib64", "tmp", "var/task", "etc", "proc"):
        (root / sub).mkdir(parents=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root / "var/task")
    bootstrap = root / "var/task/bootstrap"
    bootstrap.chmod(0o755)
    for file in system_files(bootstrap):
        shutil.copy(file, root / "lib64" / file.name)
    shutil.copy(root / "var/task/lib/libz.so.1", root / "usr/lib64/libcurl.so.4")
    if leave_out:
        (root / "var/task/lib" / leave_out).unlink()
    launcher = Path(folder) / "launch"
    # /proc as Lambda has it: without it the loader cannot tell the bootstrap's own path, and drops $ORIGIN/lib.
    launcher.write_text(f"#!/bin/sh\nexec unshare --user --map-root-user --mount --pid --fork --kill-child "
                        f"--mount-proc={root}/proc chroot {root} /var/task/bootstrap\n")
    launcher.chmod(launcher.stat().st_mode | stat.S_IEXEC)
    return root, launcher


def environment(launcher):
    """What to give `Function`/`LambdaHost` so the emulator runs the bootstrap in the root as Lambda would."""
    return {"bootstrap": launcher, "LAMBDA_TASK_ROOT": "/var/task", "LD_LIBRARY_PATH": LAMBDA_LIBRARY_PATH}
