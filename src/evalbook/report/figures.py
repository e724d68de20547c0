"""The book's figure style, set once: every figure module imports its helpers from here.

Importing this module applies the style (seaborn's white grid, the colour-blind palette,
Dutch decimal commas on the axes via :func:`dutch_axis`), so chapters never set a theme.

Figures must be legible on a phone. A chapter shows them as SVG (scalable, with its text as
text, so a reader can zoom and a test can read the sizes), at most :data:`MAX_WIDTH` wide and
with no text under :data:`TEXT_SIZE` points: shrunk to a 390 px screen, the smallest text is
still about 9 px. The SVG is deterministic (fixed ids, no date), as nbval compares it.
"""

from __future__ import annotations

import textwrap
import warnings

import matplotlib.pyplot as plt
import seaborn as sns

from . import format as fmt

HIGHLIGHT = "#b2182b"  # an emphasised point (not a verdict: see evalbook.report.verdict.COLOURS)
NEUTRAL = "#4d4d4d"
MAX_WIDTH = 6.0  # inches: 576 px at its natural size
TEXT_SIZE = 11  # points: the smallest text of a figure ("small" below is this size)
SAVE_PAD = 0.1  # inches around the drawn area when the notebook saves a figure (bbox_inches="tight")
WRAP = 48  # characters: a longer axis label or title wraps

sns.set_theme(
    style="whitegrid",
    context="notebook",
    rc={
        "font.size": TEXT_SIZE / 0.833,  # matplotlib's "small" is 0.833 of it
        "axes.titlesize": 12,
        "axes.labelsize": 12,
        "xtick.labelsize": TEXT_SIZE,
        "ytick.labelsize": TEXT_SIZE,
        "legend.fontsize": TEXT_SIZE,
        "legend.title_fontsize": TEXT_SIZE,
        "figure.titlesize": 12,
        "figure.labelsize": 12,
        "svg.fonttype": "none",  # text stays text: searchable, zoomable, sizes readable
        "svg.hashsalt": "evalbook",  # fixed ids
    },
)


def _svg_in_notebooks() -> None:
    """Show figures as SVG in the running notebook, without a date (deterministic output)."""
    from IPython import get_ipython

    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg", metadata={"Date": None})


_svg_in_notebooks()


def palette(n: int = 3) -> list[str]:
    """The colour-blind-safe palette of the book, as hex strings."""
    return sns.color_palette("colorblind", n).as_hex()


def dutch_axis(axis, decimals: int = 0) -> None:
    """Tick labels of ``axis`` (``ax.xaxis`` / ``ax.yaxis``) in Dutch notation, with a real minus sign."""
    axis.set_major_formatter(lambda x, _: fmt.number(x, decimals).replace("-", "−"))


def finish(fig, legend_above: int = 0, legend_below: int = 0):
    """Narrow ``fig`` to :data:`MAX_WIDTH` (its text keeps its size), lay it out and close it,
    so the notebook shows it once (as the returned object); ``legend_above`` / ``legend_below``:
    keep a strip of that many lines (True: one) at the top / bottom for a figure legend
    (``fig.legend(loc="upper center")``)."""
    width, height = fig.get_size_inches()
    target = MAX_WIDTH - 2 * SAVE_PAD  # the notebook saves the drawn area with a margin
    fig.set_size_inches(min(width, target), height)
    for ax in fig.axes:  # a long axis label or title wraps rather than widening the figure
        for text in (ax.xaxis.label, ax.title):
            if len(text.get_text()) > WRAP and "\n" not in text.get_text():
                text.set_text(textwrap.fill(text.get_text(), WRAP))
    above, below = ((0.1 + 0.28 * int(n)) / height if n else 0 for n in (legend_above, legend_below))
    for _ in range(6):  # text beyond the figure (long labels, annotations) widens what is saved: narrow it
        _lay_out(fig, (0, below, 1, 1 - above))
        widened = [_labels_inside(ax) for ax in fig.axes]  # every axis, not only up to the first
        if any(widened):
            continue  # an axis was widened for its labels: lay out again
        drawn = fig.get_tightbbox(fig.canvas.get_renderer()).width
        if drawn <= target + 0.02:
            break
        fig.set_size_inches(fig.get_figwidth() - (drawn - target) - 0.02, height)
    plt.close(fig)
    return fig


def _lay_out(fig, rect: tuple) -> None:
    """``fig.tight_layout``, with a layout that does not fit an error rather than a warning
    printed in the book (with the path of the machine that built it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        try:
            fig.tight_layout(rect=rect)
        except UserWarning as exc:
            raise ValueError(f"the figure's labels do not fit in its width; shorten or wrap them ({exc})") from None


def _labels_inside(ax) -> bool:
    """Widen the x-axis of ``ax`` (upwards) so that each text placed in its data, such as a bar's
    label after its end, ends inside the axes, whatever the data's range; whether it changed."""
    renderer = ax.figure.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    low, high = ax.get_xlim()
    needed = high
    for text in ax.texts:
        if text.get_transform() != ax.transData or not text.get_text().strip():
            continue
        extent = text.get_window_extent(renderer)
        if extent.x1 <= box.x1:
            continue
        room = box.width - extent.width
        if room <= 0:
            raise ValueError(f"the label {text.get_text().strip()!r} is wider than its axes; shorten or wrap it")
        x = text.get_position()[0]
        needed = max(needed, low + (x - low) * box.width / room * 1.02)
    if needed == high:
        return False
    ax.set_xlim(low, needed)
    return True
