"""The package's import graph: no cycle, and no import against the layering

    main -> commands -> (frontdoors, fix, explain, ruletest) -> engine -> facts
         -> (cfacts, kconfig, effective, rulelang) -> (findings, git, ...) -> (cond, sat, tree)

with report/ importing only data types. Every import counts, also one inside a
function: none may exist only to dodge a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kconsist"

# unit -> rank; a module may import units of its own rank or below.
RANKS = {
    "main": 7,
    "commands": 6,
    "frontdoors": 5,
    "fix": 5,
    "explain": 5,
    "ruletest": 5,
    "engine": 4,
    "facts": 3,
    "kept": 3,
    "discover": 3,
    "cfacts": 2,
    "kconfig": 2,
    "effective": 2,
    "rulelang": 2,
    "findings": 1,
    "git": 1,
    "suppress": 1,
    "baseline": 1,
    "cachedir": 1,
    "verdicts": 1,
    "error_handler": 1,
    "report": 1,
    "cond": 0,
    "sat": 0,
    "tree": 0,
    "reads": 0,
    "edits": 0,
    "exitcodes": 0,
    "__init__": 0,
    "__main__": 8,
}
# report/ renders data: it may import nothing but the data types (and itself).
REPORT_MAY_IMPORT = {"report", "findings", "cond", "__init__", "exitcodes"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The kconsist modules ``path`` imports, anywhere in it."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("kconsist")}
        elif (
            isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kconsist")
        ):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / (sub.replace(".", "/") + ".py")).exists() or (
                    PACKAGE.parent / sub.replace(".", "/")
                ).is_dir()
                out.add(sub if is_module else node.module)
    return out


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_unit_has_a_rank() -> None:
    assert {_unit(m) for m in _graph()} <= set(RANKS)


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            # `import kconsist.a.b` also runs the package __init__ of kconsist.a: count
            # the package itself only when it is the target.
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_imports_follow_the_layering() -> None:
    wrong = []
    for module, deps in _graph().items():
        unit = _unit(module)
        for dep in deps:
            target = _unit(dep)
            if unit == "report" and target not in REPORT_MAY_IMPORT:
                wrong.append(f"{module} -> {dep} (report imports only data types)")
            elif RANKS[target] > RANKS[unit]:
                wrong.append(f"{module} -> {dep} (upward: {unit} -> {target})")
    assert wrong == []


def _is_kconsist_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").startswith("kconsist")
    return isinstance(node, ast.Import) and any(a.name.startswith("kconsist") for a in node.names)


# Function-local imports that only defer loading (each also obeys the layering above):
# the command line imports a command's module when it runs, and ``audit``, the
# pre-commit hook and the series' auditor the engine only when the verdict cache cannot
# answer: a warm audit or a carried pre-commit loads no Kconfig or C reader.
LAZY = {
    "kconsist/main.py",
    "kconsist/commands/audit.py",
    "kconsist/frontdoors/precommit.py",
    "kconsist/frontdoors/delta.py",
}


def test_no_function_local_imports_of_kconsist() -> None:
    local = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE.parent).as_posix() in LAZY:
            continue
        for fn in ast.walk(ast.parse(path.read_text())):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                local += [f"{path.name}:{n.lineno}" for n in ast.walk(fn) if _is_kconsist_import(n)]
    assert local == []


def test_the_graph_sees_real_imports() -> None:
    # The test would pass vacuously if _imports found nothing.
    graph = _graph()
    assert "kconsist.engine" in graph["kconsist.commands.audit"]
    assert "kconsist.findings" in graph["kconsist.report.audit"]
    assert "kconsist.report.registry" in graph["kconsist.report.audit"]
