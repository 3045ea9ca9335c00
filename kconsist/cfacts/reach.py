"""Other arches' builds that reach into an arch's directory.

Some code under ``arch/A/`` is compiled by the build of another arch ``B`` as well:
arm64's ``arch/arm64/xen/Makefile`` builds ``../../arm/xen/*.o``; UML (``um``) takes its
headers and part of its code from the host arch it names in ``HEADER_ARCH``/``SUBARCH``
(``arch/x86``). A statement about such code ("this branch is never compiled") must
hold for every arch that compiles it, not only for ``A``.

:func:`foreign_reach` finds these, from three sources: the arch environment
(``HEADER_ARCH``, ``SUBARCH``), paths in arch Makefiles (``Makefile*``, ``Kbuild*``,
``*.mk``, ``*.um``) that lead into another arch's directory (``../../arm/xen/``,
``$(srctree)/arch/x86/...``), and ``#include "../..."`` lines of arch C, header and
assembler files that do. Read once per tree state.
"""

from __future__ import annotations

import posixpath
import re

from kconsist.tree import KernelTree, TreeError

_MAKEFILE = re.compile(r"(?:^|/)(?:Makefile|Kbuild)[^/]*$|\.(?:mk|um)$")
_PATH = re.compile(r"[\w$().\-/]*\.\./[\w$().\-/]*|(?:\$\(srctree\)/)?arch/[\w\-]+/[\w.\-/]*")
_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]*\.\./[^>"]*)[>"]', re.M)
_ENV_ARCH = ("HEADER_ARCH", "SUBARCH")

# (tree state) -> arch -> [(other arch, path prefix under arch/<arch>/ it reaches)]
_REACH: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = {}


def foreign_reach(tree: KernelTree) -> dict[str, list[tuple[str, str]]]:
    """For each arch, the other arches whose build reaches into its directory, each
    with the path (a directory ending in ``/``, or a file) it reaches."""
    key = tree.state_key()
    if key not in _REACH:
        _REACH.clear()  # one tree state at a time is what a run needs
        _REACH[key] = _scan(tree)
    return _REACH[key]


def reachers(tree: KernelTree, rel: str) -> list[str]:
    """The other arches whose build reaches the file ``rel`` (under arch/<a>/)."""
    parts = rel.split("/")
    if len(parts) < 3 or parts[0] != "arch":
        return []
    return sorted(
        {b for b, path in foreign_reach(tree).get(parts[1], []) if _covers(path, rel)}
    )


def _covers(path: str, rel: str) -> bool:
    if path.endswith("/"):
        return rel.startswith(path)
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    return rel == path or rel.rsplit(".", 1)[0] == stem


def _scan(tree: KernelTree) -> dict[str, list[tuple[str, str]]]:
    arches = set(tree.arches())
    found: dict[str, set[tuple[str, str]]] = {}
    for b in sorted(arches):
        for var in _ENV_ARCH:
            a = tree.arch_env(b).env.get(var)
            if a and a != b and a in arches:
                found.setdefault(a, set()).add((b, f"arch/{a}/"))
        for rel, path in _paths_of(tree, b):
            target = _resolve(rel, path)
            parts = target.split("/")
            if len(parts) > 2 and parts[0] == "arch" and parts[1] != b and parts[1] in arches:
                is_dir = path.endswith("/") or "." not in parts[-1]
                found.setdefault(parts[1], set()).add((b, target + ("/" if is_dir else "")))
    return {a: sorted(v) for a, v in found.items()}


def _paths_of(tree: KernelTree, arch: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for rel in tree.files(f"arch/{arch}"):
        if _MAKEFILE.search(rel):
            pattern = _PATH
        elif rel.endswith((".c", ".h", ".S")) and tree.mentions(rel, "../"):
            pattern = _INCLUDE
        else:
            continue
        try:
            text = tree.read_text(rel)
        except TreeError:
            continue  # reported by the arches that read it for facts
        out += [(rel, m.group(1) if m.groups() else m.group(0)) for m in pattern.finditer(text)]
    return out


def _resolve(includer: str, path: str) -> str:
    path = path.replace("$(srctree)/", "")
    if path.startswith("arch/"):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(posixpath.dirname(includer), path))
