"""The codes every layer shares, defined once: the two arms of a comparison and the keys of a
figure about a whole.

* :data:`PROGRAMME`, :data:`CONTROL` (:data:`ARMS`): the programme group and its comparison
  group, in every register, survey, cohort comparison and published figure.
* :data:`BOTH_ARMS`: the key of a figure over both arms together (``group`` column of the
  published figures, ``*_total`` columns of the survey), and of the NPS row over every
  respondent.
* :data:`EVERYONE`: the key of a figure about every target group together (the effect study's
  ``target_group``; empty in a CSV file, as the published figures leave ``subgroup`` empty).
* ``STATUS_*``: the ``status`` of a comparison with a published figure
  (:func:`evalbook.analysis.published.side_by_side`). They are here, not with the comparison,
  so that the Dutch words of :mod:`evalbook.report.text` need no pandas: the HTML build's
  Sphinx extension reads them.

Reason codes of a suppression live with the gate (:mod:`evalbook.disclosure.cells`); the Dutch
words of all these codes are in :mod:`evalbook.report.text`.
"""

from __future__ import annotations

PROGRAMME = "programme"
CONTROL = "control"
ARMS = (PROGRAMME, CONTROL)
BOTH_ARMS = "total"
EVERYONE = ""
STATUS_AGREES = "agrees"
STATUS_DIFFERS = "differs"
STATUS_SUPPRESSED = "suppressed"
STATUS_MISSING = "missing"
