"""Where kconsist keeps what it writes outside the audited tree (series cache, logs)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """``$KCONSIST_CACHE_DIR``, else ``$XDG_CACHE_HOME/kconsist``, else
    ``~/.cache/kconsist``."""
    if explicit := os.environ.get("KCONSIST_CACHE_DIR"):
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kconsist"
