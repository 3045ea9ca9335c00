"""Load the Kconfig of one architecture of a kernel tree into kconfiglib.

:func:`load_kconfig` is hermetic: during the load ``os.environ`` holds exactly the
variables of the :class:`~kconsist.tree.ArchEnv` (kconfiglib reads ``$srctree``,
``$(CC)``, ``$(ARCH)``... from there), and it is restored afterwards; files come from
the tree (overlay included); no command runs (see :mod:`kconsist.kconfig.preprocess`);
the working directory is never changed. Warnings are collected in ``kconf.warnings``.
"""

from __future__ import annotations

import gc
import os
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from kconfiglib import KconfigError

from kconsist.kconfig.compat import KernelKconfig
from kconsist.tree import ArchEnv, KernelTree, TreeError

# kconfiglib messages start with (an optional newline and) "file:line: ".
_LOCATION = re.compile(r"^\s*(?P<file>[^\s:][^:\n]*):(?P<line>\d+):\s*(?P<rest>.*)", re.S)
# os.environ is process-wide: one load at a time.
_ENV_LOCK = threading.Lock()


class KconfigLoadError(TreeError):
    """A Kconfig file of the tree cannot be parsed (``file`` is tree-relative)."""


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    with _ENV_LOCK:
        os.environ.clear()
        os.environ.update(env)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


@contextmanager
def _no_gc() -> Iterator[None]:
    # Parsing allocates millions of small tuples that the cyclic GC scans again and
    # again: pausing it halves the load time. Nothing cyclic is garbage here.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _tree_env(tree: KernelTree, arch: ArchEnv) -> dict[str, str]:
    env = dict(arch.env)
    # $srctree decides where kconfiglib looks for files: it must be this tree.
    env["srctree"] = str(tree.root)
    return env


def _as_load_error(error: Exception, tree: KernelTree) -> KconfigLoadError:
    text = str(error).strip()
    match = _LOCATION.match(text)
    if not match:
        # The caller adds "input error: " (kconfiglib starts most messages "error: ").
        return KconfigLoadError(text.removeprefix("error: "))
    file = tree.rel(match["file"])
    message = match["rest"].strip()
    # "error: couldn't parse 'x': why" reads better without the prefix.
    message = message.removeprefix("error: ")
    return KconfigLoadError(message, file=file, line=int(match["line"]))


def load_kconfig(tree: KernelTree, arch: ArchEnv) -> KernelKconfig:
    """Parse ``Kconfig`` of ``tree`` for ``arch``; raise :class:`KconfigLoadError`."""
    with _environment(_tree_env(tree, arch)), _no_gc():
        try:
            return KernelKconfig(tree)
        except KconfigLoadError:
            raise
        except TreeError as e:
            raise KconfigLoadError(e.message, file=e.file, line=e.line) from None
        except (KconfigError, OSError) as e:
            raise _as_load_error(e, tree) from None
