"""Figures a reader with any colour vision can read: the verdict of a difference shows by shape
as well as by colour, and the verdict colours stay apart for protanopes, deuteranopes and
tritanopes (simulated with the matrices of Machado, Oliveira and Fernandes 2009, severity 1,
on linear RGB; distance CIE76 ΔE in CIELAB). The sizes of the text are checked in the built
book at phone width (tests/test_browser.py)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from evalbook.report import figures, verdict

# Machado et al. (2009), Table 1, severity 1.0: linear RGB in, linear RGB out.
SIMULATIONS = {
    "protanopie": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopie": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopie": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    "normaal": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
}
MIN_DELTA_E = 20  # the old dark red against grey was 18 for protanopes (issue 24)


def linear(hex_colour: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of linear sRGB."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str) -> float:
    m = np.array(SIMULATIONS[vision])
    seen = [lab(np.clip(m @ linear(c), 0, 1)) for c in (a, b)]
    return float(np.linalg.norm(seen[0] - seen[1]))


def test_the_colour_science_against_known_values():
    assert np.allclose(lab(linear("#ffffff")), [100, 0, 0], atol=0.05)
    assert np.allclose(lab(linear("#ff0000")), [53.24, 80.09, 67.20], atol=0.1)  # sRGB red, D65
    # a protanope barely tells red from a dark olive of the same lightness: the simulation works
    assert delta_e("#ff0000", "#ff0000", "protanopie") == 0
    assert delta_e("#b2182b", "#4d4d4d", "protanopie") < MIN_DELTA_E  # the old pair fails the test


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_verdict_colours_stay_apart_for_every_colour_vision(vision):
    codes = [verdict.AFTER_HOLM, verdict.BEFORE_HOLM, verdict.NOT_SIGNIFICANT]
    for a, b in itertools.combinations(codes, 2):
        found = delta_e(verdict.COLOURS[a], verdict.COLOURS[b], vision)
        assert found >= MIN_DELTA_E, f"{a} and {b}: ΔE {found:.1f} for {vision}"


def test_the_verdict_shows_by_shape_too():
    cases = [(0.001, 0.01), (0.01, 0.2), (0.3, 0.9)]  # after Holm, only before, not significant
    assert len({verdict.marker(p, 0.05, h) for p, h in cases}) == 3
    assert len({verdict.colour(p, 0.05, h) for p, h in cases}) == 3
    assert verdict.marker(math.nan, 0.05, math.nan) == verdict.marker(0.3, 0.05, 0.9)


def test_figures_are_narrow_enough_for_their_text_to_stay_legible_on_a_phone():
    """The smallest text, shrunk with a figure of the maximum width to a 390 px screen's
    column (358 px), is still about 9 px."""
    smallest = figures.TEXT_SIZE * 4 / 3 * 358 / (figures.MAX_WIDTH * 96)
    assert smallest >= 9


def test_a_label_after_a_bar_ends_inside_its_axes_whatever_the_data():
    """A count printed after the longest bar (as the funnel does) would stick out of the figure
    and make the layout fail; the figure's x-axis is widened until it fits."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, ax = plt.subplots(figsize=(7.8, 2))
    ax.barh([0, 1], [7000, 800])
    ax.set_yticks([0, 1], ["Einde WW in de periode", "Gecoacht en toch in de bijstand"])
    label = ax.text(7000, 0, "  7.000 (100%)", va="center")
    ax.set_xlim(0, 7100)  # the label starts almost at the edge
    figures.finish(fig)
    renderer = FigureCanvasAgg(fig).get_renderer()
    assert label.get_window_extent(renderer).x1 <= ax.get_window_extent(renderer).x1 + 0.5
    assert ax.get_xlim()[1] > 7100
    assert fig.get_tightbbox(renderer).width <= figures.MAX_WIDTH - 2 * figures.SAVE_PAD + 0.05


def test_a_label_wider_than_its_axes_is_an_error_not_a_clipped_figure():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(1, 0, "x" * 200)
    with pytest.raises(ValueError, match="shorten"):
        figures.finish(fig)
