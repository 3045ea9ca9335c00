"""The tree before and after one patch email, for b4's per-patch check
(``kconsist check-patch``, :mod:`kconsist.commands.check_patch`).

``b4 am --check`` checks each patch of a series on its own against HEAD before the
series, so patch k may need patches 1..k-1 to apply. Every call records its patch in
the series cache (:mod:`kconsist.frontdoors.seriescache`); a patch that does not apply
to the tree is applied on top of the recorded earlier patches of its series, and then
the tree after those is the "before" state.
"""

from __future__ import annotations

from kconsist.frontdoors import patch, seriescache
from kconsist.frontdoors.patch import Patch, PatchError
from kconsist.tree import KernelTree


def states(
    tree: KernelTree, one: Patch, data: bytes, where: str, use_series: bool = True
) -> tuple[KernelTree, KernelTree]:
    """The tree before and after the patch: as :func:`patch.before_and_after` decides,
    else (it does not apply) after the recorded earlier patches of its series and after
    the patch on top of them; else the patch's own "does not apply" error."""
    earlier = remember(tree, data) if use_series else []
    try:
        return patch.before_and_after(tree, one, where)
    except PatchError:
        stacked = on_top_of_earlier(tree, earlier, one)
        if stacked is None:
            raise  # the error of the patch on its own: it names where it fails
        return stacked


def remember(tree: KernelTree, data: bytes) -> list[bytes]:
    """Record the patch email in the series cache; return the recorded earlier patches
    of its series. The cache only helps: when it cannot be used, nothing is stacked."""
    pos = seriescache.identify(data)
    if pos is None:
        return []
    cache = seriescache.SeriesCache.for_tree(tree.root)
    if cache is None:
        return []
    try:
        cache.prune()
        earlier = cache.earlier(pos)
        cache.record(pos, data)
    except OSError:
        return []
    return earlier


def on_top_of_earlier(
    tree: KernelTree, earlier: list[bytes], one: Patch
) -> tuple[KernelTree, KernelTree] | None:
    """Before/after ``one`` applied on top of ``earlier``; None if any does not apply."""
    if not earlier:
        return None
    try:
        patches = [patch.parse_email(data, "series cache") for data in earlier]
        return patch.on_top_of(tree, patches, one)
    except (PatchError, patch.Mismatch):
        return None
