"""Real non-Python clients for the server-mode tests, installed from the package registries
through the project's own pinned files, once, into git-ignored folders of the checkout.

* the AWS CLI v1 (``awscli-requirements.txt``) in ``.venv-awscli``: it pins its own
  botocore, so it never shares ``.venv``;
* Node packages (``node/package.json`` and ``node/package-lock.json``) with ``npm ci``.

A client whose runtime is missing (no ``node`` / ``npm``) makes its tests skip with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
AWSCLI_REQUIREMENTS = HERE / "awscli-requirements.txt"
AWSCLI_VENV = REPO / ".venv-awscli"
NODE_PROJECT = HERE / "node"
_INSTALL_TIMEOUT_S = 900


def _up_to_date(stamp: Path, source: Path) -> bool:
    return stamp.exists() and stamp.read_bytes() == source.read_bytes()


def aws_cli() -> Path:
    """The ``aws`` executable of the pinned AWS CLI v1, installed on first use."""
    executable = AWSCLI_VENV / "bin" / "aws"
    stamp = AWSCLI_VENV / ".dynastream-installed"
    if executable.exists() and _up_to_date(stamp, AWSCLI_REQUIREMENTS):
        return executable
    subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(AWSCLI_VENV)],
        check=True,
        timeout=_INSTALL_TIMEOUT_S,
    )
    installed = subprocess.run(
        [
            str(AWSCLI_VENV / "bin" / "pip"),
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            str(AWSCLI_REQUIREMENTS),
        ],
        capture_output=True,
        text=True,
        timeout=_INSTALL_TIMEOUT_S,
    )
    if installed.returncode != 0:
        pytest.fail(f"installing the AWS CLI failed:\n{installed.stderr[-2000:]}")
    stamp.write_bytes(AWSCLI_REQUIREMENTS.read_bytes())
    return executable


def node_project() -> Path:
    """The Node project with its locked packages installed (``npm ci``), or a skip."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are not installed here; the Node client tests need them")
    lock = NODE_PROJECT / "package-lock.json"
    stamp = NODE_PROJECT / "node_modules" / ".dynastream-installed"
    if not _up_to_date(stamp, lock):
        installed = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE_PROJECT,
            capture_output=True,
            text=True,
            timeout=_INSTALL_TIMEOUT_S,
        )
        if installed.returncode != 0:
            pytest.fail(f"npm ci failed:\n{installed.stderr[-2000:]}")
        stamp.write_bytes(lock.read_bytes())
    return NODE_PROJECT
