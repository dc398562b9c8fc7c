"""The summary chart: hours per member this week, drawn from whatever names members type.

Names are text, never math (matplotlib would parse ``$x^{$`` as mathtext and raise),
and a character no available font can draw is left out instead of drawn as a box.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Protocol

from bot.content import CATEGORIES


class ChartLine(Protocol):
    """One member's bar: what the chart reads of a summary line."""

    @property
    def name(self) -> str: ...
    @property
    def minutes(self) -> Mapping[str, int]: ...
    @property
    def targets(self) -> Mapping[str, int]: ...


class Charted(Protocol):
    """What the chart reads of a cohort summary (``bot.read.reports.CohortSummary``)."""

    @property
    def cohort(self) -> str: ...
    @property
    def week(self) -> str: ...
    @property
    def lines(self) -> Sequence[ChartLine]: ...


COLOURS = {"learning": "#4C78A8", "building": "#F58518", "networking": "#54A24B"}
# Tried in order for every character: matplotlib's bundled fonts, then common ones
# that cover more scripts and symbols when the host has them installed.
FONT_FALLBACK = (
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans Arabic",
    "Noto Sans Devanagari",
    "Noto Emoji",
    "Symbola",
    "STIXGeneral",
)
NAME_LENGTH = 24


@lru_cache(maxsize=1)
def _fonts() -> tuple[tuple[str, ...], frozenset[int]]:
    """The installed fallback families, and every code point one of them can draw."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    installed = {f.name for f in font_manager.fontManager.ttflist}
    families: list[str] = []
    covered: set[int] = set()
    for family in FONT_FALLBACK:
        if family not in installed:
            continue
        path = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        families.append(family)
        covered.update(FT2Font(path).get_charmap())
    return tuple(families), frozenset(covered)


def drawable(text: str) -> str:
    """``text`` without the characters no available font can draw, spaces tidied."""
    _, covered = _fonts()
    kept = "".join(ch for ch in text if ch.isspace() or ord(ch) in covered)
    return " ".join(kept.split())


def chart_png(s: Charted) -> bytes:
    """Hours per member this week, stacked by category, with each member's target marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    families, _ = _fonts()
    with plt.rc_context(
        {"text.parse_math": False, "text.usetex": False, "font.family": list(families)}
    ):
        return _draw(s)


def _draw(s: Charted) -> bytes:
    from matplotlib import pyplot as plt

    lines = s.lines
    height = max(2.5, 0.45 * len(lines) + 1.5)
    fig, ax = plt.subplots(figsize=(8, height), dpi=100)
    # Positions, not names, on the axis: two members whose names look alike keep two bars.
    rows = list(range(len(lines)))
    names = [drawable(ln.name)[:NAME_LENGTH] or f"member {i + 1}" for i, ln in enumerate(lines)]
    left = [0.0] * len(lines)
    for c in CATEGORIES:
        values = [ln.minutes[c] / 60 for ln in lines]
        ax.barh(rows, values, left=left, color=COLOURS[c], label=c)
        left = [a + b for a, b in zip(left, values, strict=True)]
    targets = [sum(ln.targets.values()) / 60 for ln in lines]
    ax.scatter(targets, rows, marker="|", s=300, color="black", label="target", zorder=3)
    ax.set_yticks(rows, names)
    ax.invert_yaxis()
    ax.set_xlabel("hours this week")
    ax.set_title(drawable(f"{s.cohort} — week {s.week}"))
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
