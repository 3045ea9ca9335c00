"""The exit codes of every kconsist command (README, "Exit codes")."""

from __future__ import annotations

CLEAN = 0  # nothing to report
FINDINGS = 1  # findings (or rule examples that fail, fixes that cannot be made)
ERROR = 2  # usage or input error: one message naming the file, no traceback
INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
