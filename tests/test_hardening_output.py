"""What a plugin writes at the file-descriptor level (``os.write(1, ...)``, a subprocess, an exit
handler, a print in the hook) goes to stderr in ``--json`` mode: stdout holds the JSON and nothing else."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO_ROOT
from test_plugins import Site, models_source, site  # noqa: F401 - site is a fixture

NOISY = f"""
import atexit, os, subprocess, sys
os.write(1, b"fd noise at import\\n")
subprocess.run([{sys.executable!r}, "-c", "print('subprocess noise')"])
atexit.register(lambda: os.write(1, b"exit handler noise\\n"))
atexit.register(lambda: print("exit handler print"))
""" + models_source("noisy-gan").replace(
    "def register_models(register):",
    "def register_models(register):\n    os.write(1, b'fd noise while registering\\n')\n    print('print noise')",
)


def test_fd_level_plugin_output_never_reaches_json_stdout(site: Site) -> None:  # noqa: F811
    site.add_plugin("noisy", NOISY)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site.root), str(REPO_ROOT)])}
    proc = subprocess.run([sys.executable, "-m", "zoo.cli", "plugins", "--json"], capture_output=True, text=True,
                          env=env, cwd=REPO_ROOT, timeout=120)
    assert "noisy" in {plugin["name"] for plugin in json.loads(proc.stdout)}
    for noise in ("fd noise at import", "subprocess noise", "fd noise while registering", "print noise",
                  "exit handler noise", "exit handler print"):
        assert noise in proc.stderr and noise not in proc.stdout
