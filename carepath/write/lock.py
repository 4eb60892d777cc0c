"""Who may write where: one build of a toolkit at a time, and folders that outlive no process that made them.

Both rest on flock(2): the kernel drops a process's locks when it ends, however it ends (kill -9 included),
so a lock that can be taken again is proof that its owner is gone.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "build.lock"  # in the toolkit's .carepath/ folder
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCHDOG_SECONDS = 1.0  # how often a worker checks that the build that started it is still there


class BuildBusy(Exception):
    """Another build of the same toolkit held the lock for longer than this one would wait."""

    def __init__(self, holder: int | None, waited: float) -> None:
        super().__init__(holder, waited)
        self.holder = holder  # its process id, when it could be read
        self.waited = waited


def _try_lock(fd: int) -> bool:
    """Take an exclusive flock on `fd` without waiting; False if another process holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _holder(fd: int) -> int | None:
    """The process id the current holder wrote into the lock file, if any yet."""
    try:
        return int(os.pread(fd, 32, 0).decode("ascii").strip())
    except (OSError, ValueError):
        return None


@contextmanager
def build_lock(folder: Path, wait: float, progress: Callable[[str], None]) -> Iterator[None]:
    """Hold the build lock of the toolkit whose working folder is `folder`, waiting up to `wait` seconds for it.

    Says once on `progress` that it waits, and for whom; raises BuildBusy when the wait is over.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if not _try_lock(fd):
            holder = _holder(fd)
            progress(f"another build is running (pid {holder if holder is not None else 'unknown'}); waiting")
            started = time.monotonic()
            while not _try_lock(fd):
                if time.monotonic() - started >= wait:
                    raise BuildBusy(_holder(fd) or holder, wait)
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def _folder_names(prefix: str) -> re.Pattern[str]:
    """The names tempfile.mkdtemp gives a folder made with `prefix` (eight letters, digits or '_')."""
    return re.compile(re.escape(prefix) + r"[a-z0-9_]{8}")


class OwnedFolder:
    """A new folder in `parent`, locked while this process lives; remove() it, or a later remove_stale() will."""

    def __init__(self, parent: Path, prefix: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self._fd: int | None = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # a file system without flock: remove() still works, only remove_stale() leaves it alone

    def remove(self) -> None:
        """Remove the folder and everything in it, then let go of its lock."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *_: object) -> None:
        self.remove()


def remove_stale(parent: Path, prefix: str) -> list[Path]:
    """Remove the folders OwnedFolder(parent, prefix) made whose process is gone; return them."""
    names = _folder_names(prefix)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        if not names.fullmatch(entry.name) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue  # someone else's, or gone already
        try:
            if _try_lock(fd):  # nobody holds it: whoever made it has ended
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
        except OSError:
            pass  # no flock here: never remove what may still be in use
        finally:
            os.close(fd)
    return removed


def die_with(parent: int) -> None:
    """End this worker process as soon as the build that started it (`parent`) ends, however it ends."""
    if sys.platform.startswith("linux"):  # the kernel kills us when the parent goes, even by kill -9
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still does it

    def watchdog() -> None:
        """Fallback everywhere: once this worker has another parent, the build is gone."""
        while os.getppid() == parent:
            time.sleep(WATCHDOG_SECONDS)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=watchdog, name="carepath-watchdog", daemon=True).start()
