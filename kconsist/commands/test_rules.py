"""``kconsist test-rules``: run the rules' examples and compare findings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from kconsist import exitcodes, ruletest
from kconsist.rulelang import load_rules


def test_rules(rule_files: Sequence[Path] = ()) -> int:
    outcome = ruletest.run(load_rules(list(rule_files) or None))
    sys.stdout.write(outcome.text())
    return exitcodes.CLEAN if outcome.ok else exitcodes.FINDINGS
