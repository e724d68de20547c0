"""The book's figure style, set once: every figure module imports its helpers from here.

Importing this module applies the style (seaborn's white grid, the colour-blind palette,
Dutch decimal commas on the axes via :func:`dutch_axis`), so chapters never set a theme.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns

from . import format as fmt

HIGHLIGHT = "#b2182b"  # a significant difference
NEUTRAL = "#4d4d4d"

sns.set_theme(style="whitegrid", context="notebook")


def palette(n: int = 3) -> list[str]:
    """The colour-blind-safe palette of the book, as hex strings."""
    return sns.color_palette("colorblind", n).as_hex()


def dutch_axis(axis, decimals: int = 0) -> None:
    """Tick labels of ``axis`` (``ax.xaxis`` / ``ax.yaxis``) in Dutch notation, with a real minus sign."""
    axis.set_major_formatter(lambda x, _: fmt.number(x, decimals).replace("-", "−"))


def finish(fig, legend_above: bool = False):
    """Lay out ``fig`` and close it, so the notebook shows it once (as the returned object);
    ``legend_above``: keep a strip at the top for a figure legend (``fig.legend(loc="upper center")``)."""
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.4 / fig.get_figheight()) if legend_above else None)
    plt.close(fig)
    return fig
