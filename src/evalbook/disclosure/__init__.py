"""Disclosure control: the one gate between results and anything a reader can open.

Rules for cells, magnitudes, models and curves (``policy``, ``magnitude``, ``curves``),
linked-table protection with secondary suppression (``linked``), the lineage of every released
figure (``lineage``: the cells it rests on, released only when all are released or protected),
the attackers that check it (``attacker`` on the count tables, ``inversion`` on the printed
statistics), one adapter per study (``effect`` with ``effect_cells`` and ``effect_lineage``,
``survey``, ``wwatwork``) and the guard against person-level identifiers (``identifiers``)."""
