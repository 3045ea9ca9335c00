"""Internal errors (bugs): one line on stderr that names a log file holding the
traceback, after pre-commit's ``error_handler``. Under a pre-commit hook or a b4 check
the output is captured and nobody can rerun with a debug switch, so the traceback is
always written; ``KCONSIST_DEBUG=1`` also lets it propagate.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from kconsist import __version__
from kconsist.cachedir import cache_root

LOG_NAME = "kconsist.log"


def _log_text(error: BaseException, argv: Sequence[str]) -> str:
    return (
        f"kconsist {__version__}, Python {platform.python_version()}, {sys.platform}\n"
        f"command: kconsist {' '.join(argv)}\n"
        f"working directory: {os.getcwd()}\n\n" + "".join(traceback.format_exception(error))
    )


def write_log(error: BaseException, argv: Sequence[str]) -> Path | None:
    """Write the traceback to the cache directory's log (else a temporary file); the
    path, or None when nothing can be written anywhere."""
    text = _log_text(error, argv)
    try:
        root = cache_root()
        root.mkdir(parents=True, exist_ok=True)
        path = root / LOG_NAME
        path.write_text(text, encoding="utf-8", errors="replace")
        return path
    except OSError:
        pass
    try:
        fd, name = tempfile.mkstemp(prefix="kconsist-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
            fh.write(text)
        return Path(name)
    except OSError:
        return None


def internal_error(error: BaseException, argv: Sequence[str]) -> str:
    """The one stderr line for an internal error (the log written first)."""
    log = write_log(error, argv)
    where = f"traceback in {log}" if log else "no log could be written"
    return f"kconsist: internal error: {type(error).__name__}: {error} ({where})"
