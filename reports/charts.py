"""Delivery charts per answer (pace, fillers, long pauses, looking at the screen) as a PNG."""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

# plt is shared so that every chart module gets pyplot with the Agg backend already chosen.
__all__ = ["delivery_chart_png", "figure_png", "plt", "png_data_uri"]

_PANELS = (
    ("words_per_minute", "Pace (words per minute)", (120, 160)),
    ("fillers_per_100_words", "Fillers per 100 words", (0, 1.3)),
    ("pauses_over_2s", "Pauses over 2 s", None),
    ("looking_at_screen", "Looking at the screen (share)", (0.67, 1.0)),
)


def delivery_chart_png(answers: list[dict[str, Any]]) -> bytes:
    """Four small bar charts, one bar per answer, with the target band shaded.

    An answer with no figure for a panel (no camera video on a phone call) gets no bar there
    but "not measured" written at its place, never a bar at zero; a panel with no figure at all
    says so across it.
    """
    fig, axes = plt.subplots(1, 4, figsize=(12, 2.6), dpi=100)
    labels = [f"#{a['turn']}" for a in answers]
    for ax, (key, title, band) in zip(axes, _PANELS, strict=True):
        values = [a.get(key) for a in answers]
        shown = [v if v is not None else 0 for v in values]
        ax.bar(labels, shown, color="#4a78c2")
        if all(v is None for v in values):
            ax.text(0.5, 0.5, "not measured", transform=ax.transAxes, ha="center", va="center",
                    fontsize=9, color="#555555")  # fmt: skip
        else:
            for x, v in enumerate(values):
                if v is None:
                    ax.text(x, 0, "not\nmeasured", ha="center", va="bottom", fontsize=6,
                            color="#555555")  # fmt: skip
        if band is not None and any(v is not None for v in values):
            ax.axhspan(band[0], band[1], color="#6cbf84", alpha=0.2, label="target")
        ax.set_ylim(bottom=0, top=max([*shown, band[1] if band else 1]) * 1.15 or 1)
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("answer (turn)", fontsize=7)
    return figure_png(fig)


def figure_png(fig: Figure) -> bytes:
    """``fig`` laid out tightly and rendered as PNG bytes; a pyplot figure is closed."""
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)  # no-op for a Figure pyplot does not manage
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """A PNG embedded in a data URI, so the HTML stands alone."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
