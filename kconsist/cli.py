"""The command line: ``kconsist audit|explain|fix|test-rules ...``.

Exit codes: 0 clean, 1 findings, 2 usage or input error (one message, no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kconsist import __version__, console, engine, report
from kconsist.rulelang import RuleError, load_rules
from kconsist.tree import KernelTree, TreeError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _add_tree_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("tree", nargs="?", default=".", help="kernel source tree (default: .)")
    add_selection_args(p)


def add_selection_args(p: argparse.ArgumentParser) -> None:
    """--arch, --rules and --rule, shared by every subcommand that checks a tree."""
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kconsist", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"kconsist {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    audit = sub.add_parser("audit", help="check a whole tree")
    _add_tree_args(audit)
    audit.add_argument("--format", choices=sorted(report.FORMATS), default="text")
    audit.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="arches checked in parallel (default: the number of CPUs)",
    )
    audit.add_argument(
        "--changed-from",
        metavar="REF",
        help="check only the arches that files changed since REF can affect",
    )
    audit.add_argument(
        "--file",
        dest="files",
        action="append",
        default=[],
        metavar="FILE",
        help="check only the arches this changed file can affect (repeatable)",
    )
    audit.set_defaults(func=cmd_audit)

    explain = sub.add_parser("explain", help="show both sides of each rule for one arch")
    _add_tree_args(explain)
    explain.set_defaults(func=cmd_explain)

    fix = sub.add_parser("fix", help="apply the fixes the rules declare")
    _add_tree_args(fix)
    fix.add_argument("--dry-run", action="store_true", help="print a unified diff instead")
    fix.set_defaults(func=cmd_fix)

    test = sub.add_parser("test-rules", help="run the rules' examples and compare findings")
    test.add_argument("rules", nargs="*", type=Path, help="rule files (default: bundled)")
    test.set_defaults(func=cmd_test_rules)

    from kconsist.frontdoors import commands

    commands.register(sub)  # precommit, check-patch, series
    return parser


def load_selected_rules(args: argparse.Namespace) -> list:
    rules = load_rules(args.rules or None)
    if args.rule:
        unknown = sorted(set(args.rule) - {r.id for r in rules})
        if unknown:
            raise UsageError(f"unknown rule id: {', '.join(unknown)}")
        rules = [r for r in rules if r.id in args.rule]
    return rules


def open_tree(args: argparse.Namespace) -> KernelTree:
    tree = KernelTree.open(args.tree)
    known = tree.arches()
    unknown = [a for a in args.arch if a not in known]
    if unknown:
        raise UsageError(f"no arch {', '.join(unknown)} in {args.tree} (known: {' '.join(known)})")
    return tree


def cmd_audit(args: argparse.Namespace) -> int:
    rules = load_selected_rules(args)
    tree = open_tree(args)
    arches = args.arch or None
    if args.changed_from or args.files:
        from kconsist.frontdoors import changed

        arches = changed.arches_to_check(tree, rules, args.changed_from, args.files, arches)
        if not arches:
            return EXIT_CLEAN  # nothing the changes can affect: say nothing, like a linter
    names = tree.arches() if arches is None else arches
    with console.progress(len(names)) as progress:
        result = engine.audit(tree, rules, names, progress, jobs=max(1, args.jobs))
    output = report.FORMATS[args.format](result)
    if args.format == "text":
        console.emit(output)
    else:
        sys.stdout.write(output)
    return result.exit_code()


def cmd_explain(args: argparse.Namespace) -> int:
    from kconsist.explain import explain
    from kconsist.facts import ArchContext

    rules = load_selected_rules(args)
    tree = open_tree(args)
    if len(args.arch) != 1:
        raise UsageError("explain needs exactly one --arch")
    ctx = ArchContext(tree, tree.arch_env(args.arch[0]))
    sys.stdout.write(explain(ctx, rules))
    return EXIT_CLEAN


def cmd_fix(args: argparse.Namespace) -> int:
    from kconsist import fix

    rules = load_selected_rules(args)
    tree = open_tree(args)
    plan = fix.plan(tree, rules, args.arch or None)
    if args.dry_run:
        sys.stdout.write(plan.diff())
    else:
        plan.apply()
        for line in plan.summary():
            print(line)
    for problem in plan.unfixable:
        print(f"kconsist: cannot fix: {problem}", file=sys.stderr)
    return EXIT_FINDINGS if plan.unfixable else EXIT_CLEAN


def cmd_test_rules(args: argparse.Namespace) -> int:
    from kconsist import ruletest

    outcome = ruletest.run(load_rules(args.rules or None))
    sys.stdout.write(outcome.text())
    return EXIT_CLEAN if outcome.ok else EXIT_FINDINGS


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (TreeError, RuleError, UsageError) as e:
        print(f"kconsist: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug: one line for hooks and b4, the traceback on request
        if os.environ.get("KCONSIST_DEBUG"):
            raise
        print(
            f"kconsist: internal error: {type(e).__name__}: {e} "
            "(run with KCONSIST_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
