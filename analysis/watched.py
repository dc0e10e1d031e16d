"""When a configuration file last changed, looked up at most once a second per file.

Configuration is re-read when an analyst edits it while the app runs (each loader is cached on the file's
modification time); the extraction asks for it tens of thousands of times per batch, and a `stat` each time
was a measurable share of the work.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

RECHECK_SECONDS = 1.0
_seen: dict[str, tuple[float, int]] = {}  # path → (when looked, st_mtime_ns or 0 when missing)
_lock = threading.Lock()


def mtime_ns(path: Path | str) -> int:
    """The file's st_mtime_ns (0 when it does not exist), at most RECHECK_SECONDS old."""
    key = str(path)
    now = time.monotonic()
    with _lock:
        seen = _seen.get(key)
        if seen and now - seen[0] < RECHECK_SECONDS:
            return seen[1]
    try:
        stamp = Path(key).stat().st_mtime_ns
    except OSError:
        stamp = 0
    with _lock:
        _seen[key] = (now, stamp)
    return stamp
