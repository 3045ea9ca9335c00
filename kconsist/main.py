"""kconsist: keep Linux kernel trees consistent across C and Kconfig.

The command line: ``kconsist audit|explain|fix|test-rules|precommit|check-patch|series``.
This is the only module that knows argparse; each command is a function of
:mod:`kconsist.commands`. Exit codes (:mod:`kconsist.exitcodes`): 0 clean, 1 findings,
2 usage or input error (one message, no traceback); an internal error is one line that
names the log file holding its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kconsist import __version__, error_handler, exitcodes, report
from kconsist.baseline import BaselineError
from kconsist.commands.common import Selection, UsageError
from kconsist.findings import AuditResult, SeriesResult
from kconsist.rulelang import RuleError
from kconsist.tree import MAX_FILE_SIZE_ENV, TreeError, parse_size


def _add_selection(p: argparse.ArgumentParser, tree_option: bool = False) -> None:
    """The tree, and --arch, --rules and --rule: every command that checks a tree."""
    if tree_option:
        p.add_argument("--tree", default=".", metavar="DIR", help="kernel source tree (default: .)")
    else:
        p.add_argument("tree", nargs="?", default=".", help="kernel source tree (default: .)")
    p.add_argument(
        "--arch",
        action="append",
        default=[],
        metavar="A",
        help="check only this arch directory (repeatable; default: all)",
    )
    p.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="PATH",
        type=Path,
        help="rule file or directory (repeatable; default: the bundled rules)",
    )
    p.add_argument(
        "--rule", action="append", default=[], metavar="ID", help="only this rule id (repeatable)"
    )
    p.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help=f"files of the tree larger than this (8M, 512K) are input errors, not read "
        f"(default: ${MAX_FILE_SIZE_ENV}, else 8M)",
    )


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _audit_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("audit", help="check a whole tree")
    _add_selection(p)
    p.add_argument("--format", choices=report.names(AuditResult), default="text")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="arches checked in parallel (default: the number of CPUs)",
    )
    p.add_argument(
        "--changed-from",
        metavar="REF",
        help="check only the arches that files changed since REF can affect",
    )
    p.add_argument(
        "--file",
        dest="files",
        action="append",
        default=[],
        metavar="FILE",
        help="check only the arches this changed file can affect (repeatable)",
    )
    p.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings this baseline (from --write-baseline) does not list",
    )
    p.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record the findings in FILE (exit 0 unless the tree cannot be read)",
    )


def _tree_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("explain", help="show both sides of each rule for one arch")
    _add_selection(p)
    p = sub.add_parser("fix", help="apply the fixes the rules declare")
    _add_selection(p)
    p.add_argument("--dry-run", action="store_true", help="print a unified diff instead")
    p = sub.add_parser("test-rules", help="run the rules' examples and compare findings")
    p.add_argument("rules", nargs="*", type=Path, help="rule files (default: bundled)")
    p = sub.add_parser(
        "discover", help="candidate arch-override pairs from include/'s guards, as rule YAML"
    )
    p.add_argument("tree", nargs="?", default=".", help="kernel source tree (default: .)")
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        choices=["config", "flag", "name"],
        help="only pairs switched by a CONFIG_ symbol, a __HAVE_ARCH_ flag or #ifndef NAME",
    )
    p.add_argument(
        "--min-arches",
        type=int,
        default=0,
        metavar="N",
        help="only pairs at least N arches take part in (define the function or opt in)",
    )


def _frontdoor_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("precommit", help="pre-commit hook: findings the commit introduces")
    _add_selection(p, tree_option=True)
    p.add_argument("files", nargs="*", metavar="FILE", help="changed files")
    p.add_argument(
        "--all", action="store_true", help="report every finding, not only the commit's new ones"
    )
    p = sub.add_parser(
        "check-patch", help="b4 per-patch check: findings one patch email introduces"
    )
    _add_selection(p, tree_option=True)
    p.add_argument(
        "patch",
        nargs="?",
        default="-",
        metavar="FILE",
        help="the patch email (default: - for stdin)",
    )
    p.add_argument(
        "--all", action="store_true", help="report every finding after the patch, not only new ones"
    )
    p.add_argument(
        "--no-series",
        action="store_true",
        help="neither record the patch in nor apply it on top of the series cache",
    )
    p = sub.add_parser("series", help="findings each patch of a series introduces/fixes")
    _add_selection(p, tree_option=True)
    p.add_argument(
        "source",
        nargs="?",
        metavar="MBOX|REV-RANGE",
        help="an mbox file (- for stdin) or a git revision range",
    )
    p.add_argument("--format", choices=report.names(SeriesResult), default="text")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kconsist",
        description="The command line: ``kconsist audit|explain|fix|test-rules ...``.",
    )
    parser.add_argument("--version", action="version", version=f"kconsist {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _audit_parser(sub)
    _tree_parsers(sub)
    _frontdoor_parsers(sub)
    return parser


def _selection(args: argparse.Namespace) -> Selection:
    return Selection(
        args.tree, tuple(args.arch), tuple(args.rules), tuple(args.rule), args.max_file_size
    )


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command ``args`` names, with typed parameters. Each command's module is
    imported when it runs: a warm audit answered from the cache loads no Kconfig or C
    reader, no patch or series machinery."""
    match args.command:
        case "audit":
            from kconsist.commands import audit

            return audit.audit(
                _selection(args),
                args.format,
                args.jobs,
                args.changed_from,
                args.files,
                audit.Baseline(args.baseline, args.write_baseline),
            )
        case "explain":
            from kconsist.commands import explain

            return explain.explain(_selection(args))
        case "fix":
            from kconsist.commands import fix

            return fix.fix(_selection(args), args.dry_run)
        case "test-rules":
            from kconsist.commands import test_rules

            return test_rules.test_rules(args.rules)
        case "discover":
            from kconsist.commands import discover

            return discover.discover(args.tree, tuple(args.kind), args.min_arches)
        case "precommit":
            from kconsist.commands import precommit

            return precommit.precommit(_selection(args), args.files, args.all)
        case "check-patch":
            from kconsist.commands import check_patch

            return check_patch.check_patch(
                _selection(args), args.patch, args.all, not args.no_series
            )
        case "series":
            from kconsist.commands import series

            return series.series(_selection(args), args.source, args.format)
    raise UsageError(f"unknown command {args.command}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (TreeError, RuleError, UsageError, BaselineError) as e:
        print(f"kconsist: error: {e}", file=sys.stderr)
        return exitcodes.ERROR
    except KeyboardInterrupt:
        return exitcodes.INTERRUPTED
    except Exception as e:  # a bug: one line for hooks and b4, the traceback in a log
        if os.environ.get("KCONSIST_DEBUG"):
            raise
        argv_list = list(sys.argv[1:] if argv is None else argv)
        print(error_handler.internal_error(e, argv_list), file=sys.stderr)
        return exitcodes.ERROR


if __name__ == "__main__":
    sys.exit(main())
