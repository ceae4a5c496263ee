"""One runner per study directory: a lock file naming its holder (host, pid, start time, command).

The lock is a file created with ``O_CREAT | O_EXCL`` (atomic on local filesystems and on NFS v3+,
where ``flock`` is not reliable across nodes), holding JSON about the holder. A lock left by a
process that died on this host is stale and is taken over; one held from another host is never
broken automatically (its pid cannot be checked from here): the message says how to remove it.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

LOCK_NAME = ".lock"


class StudyLocked(RuntimeError):
    """Another runner holds the study directory; the message names it (host, pid, start, command)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def holder(root: str | Path) -> dict | None:
    """Return the JSON record of the lock's holder in ``root`` (None when unlocked or unreadable)."""
    try:
        return json.loads((Path(root) / LOCK_NAME).read_text())
    except (OSError, ValueError):
        return None


def describe(info: dict | None) -> str:
    """Return a one-line description of a lock holder for error messages."""
    if not info:
        return "an unknown process (the lock file is empty or unreadable)"
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.get("start", 0)))
    return f"pid {info.get('pid')} on host {info.get('host')} since {started} ({info.get('command', '?')})"


def is_stale(info: dict | None) -> bool:
    """Return True when the holder ran on this host and its process is gone."""
    return bool(info) and info.get("host") == socket.gethostname() and not _alive(int(info.get("pid", -1)))


class StudyLock:
    """Exclusive lock on a study directory; use as a context manager."""

    def __init__(self, root: str | Path, command: str | None = None):
        self.path = Path(root) / LOCK_NAME
        program = Path(sys.argv[0]).name
        program = "python -m xlib" if program == "__main__.py" else program
        self.command = command or " ".join([program, *sys.argv[1:]])
        self.held = False

    def acquire(self) -> "StudyLock":
        """Take the lock (taking over a stale one) and return self; raise StudyLocked naming the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = json.dumps(
            {"host": socket.gethostname(), "pid": os.getpid(), "start": time.time(), "command": self.command}
        )
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                info = holder(self.path.parent)
                if info is None and time.time() - self.path.stat().st_mtime < 5:
                    time.sleep(0.5)  # being written right now
                    continue
                if is_stale(info):
                    self.path.unlink(missing_ok=True)
                    continue
                raise StudyLocked(
                    f"study directory {self.path.parent} is in use by {describe(info)}; wait for it to finish "
                    f"or stop it. If that process no longer exists, delete {self.path}."
                ) from None
            with os.fdopen(fd, "w") as handle:
                handle.write(record)
                handle.flush()
                os.fsync(handle.fileno())
            self.held = True
            return self
        raise StudyLocked(f"could not take the lock {self.path}: {describe(holder(self.path.parent))}")

    def release(self) -> None:
        """Remove the lock file if this object holds it."""
        if self.held:
            info = holder(self.path.parent)
            if info and info.get("pid") == os.getpid() and info.get("host") == socket.gethostname():
                self.path.unlink(missing_ok=True)
            self.held = False

    def __enter__(self) -> "StudyLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
