"""Sphinx additions for the book's HTML, loaded through ``_config.yml`` (``sphinx: extra_extensions``).

What a reader of the HTML gets from here, and why it cannot be set in ``_config.yml``:

- The theme's interface in Dutch. Sphinx's Dutch catalog lacks the PyData theme's strings
  ("Skip to main content", "Back to top", ...); ``book/_locale/nl/LC_MESSAGES/sphinx.po``
  has them and is compiled here into the build's doctree directory (no ``.mo`` in git).
  Strings the theme does not pass through gettext are in the templates in ``book/_templates``.
- Search that finds Dutch words, also the words readers use for the book's (``klanttevredenheid``
  finds the NPS chapter: ``SEARCH_SYNONYMS``). Sphinx 7.4 stems the index with snowballstemmer 3's "dutch"
  (the Kraaij-Pohlmann algorithm since Snowball 3.0) but ships the Snowball 2.1 JavaScript
  stemmer (the Porter-style algorithm, called "dutch_porter" since 3.0) for the query: the
  index has "uitkeer" where the browser looks up "uitker". The index is stemmed here with
  "dutch_porter", the algorithm of the JavaScript stemmer.
- The version (for the version menu) and the PDFs (evalbook.book.pdf) in the templates'
  context, and the header's "print to PDF" entry replaced by the real PDFs of the page's part
  and of the whole book.
- Figures with a text alternative instead of their file path: the figure's caption, else
  the section they stand in (see ``_alt_text``). A few pieces of the extensions' markup that
  assistive technology misreads are set right in the page body (``_BODY_FIXES``).
- The data page's list of every table's downloads, pasted from the chapters
  (``{evalbook-downloads}``: myst-nb pastes only text from another page).
- Pages that paste glued numbers from other pages (``{glue:text}`path::key```, the key
  findings) are read again whenever a page changes: Sphinx does not know that they depend on
  the chapters they paste from, and the book is built incrementally (``evalbook.book.html``).
- Citations and the bibliography in Dutch: pybtex and sphinxcontrib-bibtex join two authors
  with "and" ("Wesdorp and Duinkerken") and print months in English. The Dutch variants of
  the configured styles (``author_year`` and ``unsrt``, registered here as ``author_year_nl``
  and ``unsrt_nl``) join with "en" and print Dutch months; ``_config.yml`` keeps naming the
  familiar styles and the build uses their Dutch variants.
- sphinx-thebe registers its inline configuration script twice under Jupyter Book 1.0.4 /
  sphinx-book-theme 1.3, so every page declares ``const THEBE_JS_URL`` twice and the browser
  reports a SyntaxError. The book does not use Thebe; the first copy of each identical script
  is kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.plugin
import snowballstemmer
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from docutils import nodes
from pybtex.database import Entry
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import names, sentence
from sphinx.search.nl import SearchDutch
from sphinx.util.docutils import SphinxDirective
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

from ..report import text  # Dutch words only: no pandas (the HTML build imports this)
from . import config, pdf, records

LOCALE_DIR = Path("book") / "_locale"
_PATH_LIKE = re.compile(r"[/\\]|\.(png|jpe?g|svg|gif|webp)$", re.IGNORECASE)


# The words readers search with that the book does not use, and the book's words that mean
# them: a page with any word on the right is also found under the word on the left.
SEARCH_SYNONYMS = {
    "klanttevredenheid": ("nps", "klantonderzoek", "promotor", "promotors", "criticaster", "criticasters"),
    "tevredenheid": ("nps", "klantonderzoek", "rapportcijfer", "tevreden"),
    "klantwaardering": ("nps", "rapportcijfer"),
    "waardering": ("nps", "rapportcijfer"),
    "klantbeleving": ("nps", "klantonderzoek", "enquête"),
    "baan": ("werk",),
    "werkhervatting": ("uitstroom",),
    "uitstroomcijfers": ("uitstroom",),
    "werkloosheidsuitkering": ("ww",),
    "bijstandsuitkering": ("bijstand",),
    "participatiewet": ("bijstand",),
    "uitkeringsgerechtigden": ("werkzoekenden",),
    "effectiviteit": ("effectstudie", "effect"),
    "privacy": ("onderdrukt", "bescherming"),
    "betrouwbaarheid": ("betrouwbaarheidsinterval",),
}


class DutchSearch(SearchDutch):
    """Dutch search whose index stems like the JavaScript stemmer Sphinx ships (Snowball 2.1),
    and finds a page under the words readers use for its words (:data:`SEARCH_SYNONYMS`)."""

    def init(self, options: dict[str, str]) -> None:
        self.stemmer = snowballstemmer.stemmer("dutch_porter")

    def split(self, input: str) -> list[str]:
        words = super().split(input)
        found = {w.lower() for w in words}
        return words + [term for term, means in SEARCH_SYNONYMS.items() if found.intersection(means)]


# The English month names BibTeX entries carry (not calendar.month_name: Sphinx sets the
# locale), to the Dutch ones the book prints
ENGLISH_MONTHS = "January February March April May June July August September October November December"
MONTHS = dict(zip(ENGLISH_MONTHS.split(), text.MONTHS, strict=True))
DUTCH_STYLES = {
    "bibtex_reference_style": ("author_year", "author_year_nl"),
    "bibtex_default_style": ("unsrt", "unsrt_nl"),
}


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class DutchAuthorYear(AuthorYearReferenceStyle):
    """Author-year citations in round brackets with "en" between the last two authors:
    (Wesdorp en Duinkerken, 2009), Wesdorp en Duinkerken (2009)."""

    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    person: PersonStyle = field(default_factory=lambda: PersonStyle(sep2=" en ", last_sep=" en "))


# What a bibliography note holds for the book's maintainers, not its readers: where in the
# repository a fact was found (the source texts, their README) and what the text extraction lacks.
_INTERNAL_NOTE = re.compile(r"data/|\.txt\b|README|tekstextractie")


def reader_note(note: str) -> str:
    """A bibliography note without its internal parts: the repository paths in brackets and
    every sentence or clause that speaks of the repository or the text extraction."""
    note = re.sub(r"\s*\([^()]*data/[^()]*\)", "", note)
    parts = re.split(r"(?<=[.;])\s+", note.strip())
    kept = " ".join(p for p in parts if not _INTERNAL_NOTE.search(p)).strip()
    kept = re.sub(r"(?<=\. )[a-z]", lambda m: m.group(0).upper(), kept)  # a clause that now starts a sentence
    return kept[:-1] + "." if kept.endswith(";") else kept


class DutchUnsrt(UnsrtStyle):
    """The unsrt bibliography with "en" between the last two authors, Dutch month names and
    notes as a reader needs them (:func:`reader_note`)."""

    def format_names(self, role, as_sentence=True):
        formatted = names(role, sep=", ", sep2=" en ", last_sep=" en ")
        return sentence[formatted] if as_sentence else formatted

    def format_entry(self, label, entry, bib_data=None):
        fields = dict(entry.fields)
        if fields.get("month") in MONTHS:
            fields["month"] = MONTHS[fields["month"]]
        if "note" in fields:
            fields["note"] = reader_note(fields["note"])
            if not fields["note"]:
                del fields["note"]
        if fields != dict(entry.fields):
            dutch = Entry(entry.type, fields=fields, persons=entry.persons)
            dutch.key = entry.key
            entry = dutch
        return super().format_entry(label, entry, bib_data)


def _dutch_bibliography(app, cfg) -> None:
    """Use the Dutch variant of the configured citation and bibliography style."""
    for name, (english, dutch) in DUTCH_STYLES.items():
        if getattr(cfg, name, None) == english:
            setattr(cfg, name, dutch)


def _add_dutch_catalog(app) -> None:
    """Compile the book's Dutch catalog for the theme and register it with Sphinx."""
    po_files = sorted((Path(app.confdir) / LOCALE_DIR).glob(f"{app.config.language}/LC_MESSAGES/*.po"))
    target = Path(app.doctreedir) / "evalbook-locale"
    for po in po_files:
        mo = target / app.config.language / "LC_MESSAGES" / f"{po.stem}.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as source:
            catalog = read_po(source, locale=app.config.language)
        with mo.open("wb") as out:
            write_mo(out, catalog)
        app.add_message_catalog(po.stem, str(target))


def _context(app, cfg) -> None:
    """The book's version and its PDFs for the templates."""
    root = Path(app.confdir)
    book = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    cfg.html_context["evalbook_version"] = records.label(str(book["version"]))
    structure = config.load(root)
    made = pdf.chromium() is not None  # else the build makes no PDFs: no links to them
    documents = pdf.documents(structure) if made else []
    cfg.html_context["evalbook_pdfs"] = [(title, pdf.relative_path(key)) for key, title in documents]
    cfg.html_context["evalbook_page_parts"] = pdf.parts_of_pages(structure) if made else {}


def _pdf_buttons(app, pagename, templatename, context, doctree) -> None:
    """Replace the theme's "print to PDF" entry (``window.print()``) by links to the PDFs of
    this page's part and of the whole book."""
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"]
    if not groups:
        return
    buttons = [b for b in groups[0]["buttons"] if b.get("label") != "download-pdf-button"]
    links = {path: title for title, path in context.get("evalbook_pdfs", [])}
    part = context.get("evalbook_page_parts", {}).get(pagename)
    for key in (part, pdf.BOOK) if links else ():
        if key is not None:
            path = pdf.relative_path(key)
            buttons.append(
                {
                    "type": "link",
                    "url": context["pathto"](path, 1),
                    "text": f"{links[path]} (PDF)",
                    "tooltip": "Downloaden als PDF",
                    "icon": "fas fa-file-pdf",
                    "label": f"pdf-{key}",
                }
            )
    groups[0]["buttons"] = buttons


def _alt_texts(app, doctree, docname) -> None:
    """A text alternative for every figure that has none (HTML would show its file path)."""
    for image in doctree.findall(nodes.image):
        alt = image.get("alt")
        if alt is None or _PATH_LIKE.search(alt) or alt == image.get("uri"):
            image["alt"] = _alt_text(image)


# Markup of the extensions that assistive technology misreads (axe-core), set right in the
# page body: (pattern, replacement, why).
_BODY_FIXES = [
    (
        re.compile(r"<th(\s[^>]*)?>\s*(?:<p>\s*</p>)?\s*</th>"),
        r"<td\1></td>",
        "an empty header cell (a table's index corner) names nothing: a plain cell",
    ),
    (
        re.compile(r'role="doc-biblioentry"'),
        'role="listitem"',
        "docutils' bibliography entries in a role=list need role=listitem (doc-biblioentry is deprecated)",
    ),
    (
        re.compile(r'<summary aria-label="Toggle hidden content">'),
        "<summary>",
        "myst-nb's English label hides the (Dutch) visible prompt: the summary is named by its text",
    ),
]


def _accessible_body(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        for pattern, replacement, _why in _BODY_FIXES:
            context["body"] = pattern.sub(replacement, context["body"])


def _alt_text(image: nodes.image) -> str:
    """The caption of the figure holding ``image``; else the title of the section it is in."""
    figure = next((a for a in _ancestors(image) if isinstance(a, nodes.figure)), None)
    caption = next(iter(figure.findall(nodes.caption)), None) if figure is not None else None
    if caption is not None and caption.astext().strip():
        return caption.astext().strip()
    section = next((a for a in _ancestors(image) if isinstance(a, nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        return "Figuur"
    images = list(section.findall(nodes.image))
    number = f" {images.index(image) + 1} van {len(images)}" if len(images) > 1 else ""
    return f"Figuur{number} bij ‘{section[0].astext()}’"


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique  # inline scripts come as filename None or "": one key


class ChapterDownloads(SphinxDirective):
    """``{evalbook-downloads} wgw/effect_study``: the downloads of a chapter's numbered tables,
    as the chapter listed them (its glued Markdown ``table_downloads``), for the data page.
    myst-nb pastes only text from another notebook; this pastes the list with its links."""

    required_arguments = 1

    def run(self):
        notebook = Path(self.env.doc2path(self.env.docname)).parent / f"{self.arguments[0]}.ipynb"
        self.env.note_dependency(str(notebook))
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"] if notebook.is_file() else []
        for output in (o for cell in cells for o in cell.get("outputs", [])):
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == "table_downloads":
                markdown = "".join(output["data"]["application/papermill.record/text/markdown"])
                return self.parse_text_to_nodes(markdown)
        raise self.error(f"{notebook} lists no table downloads (table_downloads): run `evalbook build`")


_PASTES_FROM_OTHERS = re.compile(r"\{glue(?::\w+)?\}`[^`]*::")


def _glue_readers(app, env, added, changed, removed):
    """The pages that paste glued values from other pages, when any page changed."""
    if not (added or changed or removed):
        return []
    return [
        doc
        for doc in sorted(env.found_docs)
        if doc not in changed
        and doc not in added
        and _PASTES_FROM_OTHERS.search(Path(env.doc2path(doc)).read_text(encoding="utf-8", errors="ignore"))
    ]


def setup(app):
    register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_nl", DutchAuthorYear, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "unsrt_nl", DutchUnsrt, force=True)
    app.connect("config-inited", _dutch_bibliography)
    app.connect("env-get-outdated", _glue_readers)
    app.add_search_language(DutchSearch)
    app.add_directive("evalbook-downloads", ChapterDownloads)
    _add_dutch_catalog(app)
    app.connect("config-inited", _context)
    app.connect("doctree-resolved", _alt_texts)
    app.connect("html-page-context", _accessible_body)
    app.connect("html-page-context", _pdf_buttons, priority=999)  # after the theme's header buttons
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after the extensions that add scripts
    return {"parallel_read_safe": True, "parallel_write_safe": True}
