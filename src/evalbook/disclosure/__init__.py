"""Disclosure control: the one gate between results and anything a reader can open.

Rules for cells, magnitudes, models and curves (``policy``, ``magnitude``, ``curves``),
linked-table protection with secondary suppression (``linked``), the attacker that checks it
(``attacker``), one adapter per study (``effect``, ``survey``, ``wwatwork``) and the guard
against person-level identifiers (``identifiers``)."""
