"""Front-door subcommands (pre-commit hook, b4 per-patch check, series): registered into
the CLI's subparsers."""

from __future__ import annotations

import argparse


def _common(p: argparse.ArgumentParser) -> None:
    from kconsist.cli import add_selection_args

    p.add_argument("--tree", default=".", metavar="DIR", help="kernel source tree (default: .)")
    add_selection_args(p)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the front-door subcommands to ``kconsist``'s parser."""
    from kconsist.frontdoors import b4, precommit, series

    pre = sub.add_parser("precommit", help="pre-commit hook: findings the commit introduces")
    _common(pre)
    pre.add_argument("files", nargs="*", metavar="FILE", help="changed files")
    pre.add_argument(
        "--all", action="store_true", help="report every finding, not only the commit's new ones"
    )
    pre.set_defaults(func=precommit.command)

    check = sub.add_parser(
        "check-patch", help="b4 per-patch check: findings one patch email introduces"
    )
    _common(check)
    check.add_argument(
        "patch",
        nargs="?",
        default="-",
        metavar="FILE",
        help="the patch email (default: - for stdin)",
    )
    check.add_argument(
        "--all", action="store_true", help="report every finding after the patch, not only new ones"
    )
    check.add_argument(
        "--no-series",
        action="store_true",
        help="neither record the patch in nor apply it on top of the series cache",
    )
    check.set_defaults(func=b4.check_patch)

    ser = sub.add_parser("series", help="findings each patch of a series introduces/fixes")
    _common(ser)
    ser.add_argument(
        "source",
        nargs="?",
        metavar="MBOX|REV-RANGE",
        help="an mbox file (- for stdin) or a git revision range",
    )
    ser.add_argument("--format", choices=sorted(series.FORMATS), default="text")
    ser.set_defaults(func=series.command)
