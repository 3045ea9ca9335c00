"""Terminal niceties, only when a person is watching: a progress bar on stderr and
coloured severities on stdout (rich). Pipes, CI logs and b4 get plain text."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_STYLES = {
    r": error: \[": "bold red",
    r": warning: \[": "yellow",
    r": input error: ": "bold red",
    r"^note: ": "dim",
}


def _wants_colour(stream: object) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


@contextmanager
def progress(total: int) -> Iterator[Callable[[str], None] | None]:
    """A per-arch progress callback for the engine, or None when stderr is not a terminal."""
    if not _wants_colour(sys.stderr):
        yield None
        return
    # rich is imported only for a person watching: pipes and hooks do without it.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("kconsist: {task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task("checking", total=total)

        def advance(arch: str) -> None:
            bar.update(task, advance=1, description=arch)

        yield advance


def emit(text: str) -> None:
    """Write a text report, coloured on a terminal."""
    if not _wants_colour(sys.stdout):
        sys.stdout.write(text)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    for line in text.splitlines():
        styled = Text(line)
        for pattern, style in _STYLES.items():
            styled.highlight_regex(pattern, style)
        console.print(styled)
