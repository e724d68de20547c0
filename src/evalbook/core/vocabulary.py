"""The codes every layer shares, defined once: the two arms of a comparison and the keys of a
figure about a whole.

* :data:`PROGRAMME`, :data:`CONTROL` (:data:`ARMS`): the programme group and its comparison
  group, in every register, survey, cohort comparison and published figure.
* :data:`BOTH_ARMS`: the key of a figure over both arms together (``group`` column of the
  published figures, ``*_total`` columns of the survey), and of the NPS row over every
  respondent.
* :data:`EVERYONE`: the key of a figure about every target group together (the effect study's
  ``target_group``; empty in a CSV file, as the published figures leave ``subgroup`` empty).

Status codes of a comparison with a published figure live with the comparison
(:mod:`evalbook.analysis.published`), reason codes of a suppression with the gate
(:mod:`evalbook.disclosure.cells`); their Dutch words are in :mod:`evalbook.report.text`.
"""

from __future__ import annotations

PROGRAMME = "programme"
CONTROL = "control"
ARMS = (PROGRAMME, CONTROL)
BOTH_ARMS = "total"
EVERYONE = ""
