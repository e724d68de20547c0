"""One run function per chapter type: the one way a chapter is computed.

Each module (``effect_study``, ``phone_survey``, ``client_survey``, ``wwatwork_effect``,
``literature_scan``, ``arnhem_startfoto``, ``client_journey``, ``audit``, named as the template
it serves) reads its chapter's inputs through the running chapter
(:class:`~evalbook.chapters.shown.Source`), analyses them, passes the result through the
disclosure gate and returns what the template glues and shows
(:class:`~evalbook.chapters.shown.Shown`). The template's setup cell calls it through
:meth:`evalbook.book.chapter.Chapter.run`, and so do the tests: no test re-implements a
chapter. A chapter with person-level data also has ``analyse`` (its result with true counts,
for the attacker tests); ``run`` takes that result so that it is not computed twice.

This package imports none of its modules: a chapter's content key covers the code its
template imports (:mod:`evalbook.book.dependencies`), so the effect study does not rerun when
the audit's code changes.
"""
