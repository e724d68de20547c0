"""Putting a PDF together from printed pieces (pikepdf, on qpdf): the front matter (cover and table of
contents) and the segments of the book, each printed once by Chromium (``evalbook.book.pdf``).

What the assembly adds, so that every page can be handed on by itself:

* page numbers and a running header on every page but the cover (stamped as artifacts, so a
  screen reader skips them): roman in the front matter, from 1 in the body, and page labels
  that make a viewer show the same numbers;
* bookmarks made from the headings (their text as a reader sees it, one per heading);
* links between segments: Chromium marks an element that is a link target with a named
  destination; a link to an element in another segment is printed to a marker URL
  (:data:`MARKER`) and becomes a link inside the PDF here, or plain text when its target is
  not in this PDF;
* the tags (structure tree) of every piece, merged into one, so the PDF stays accessible.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, OutlineItem, PageLocation, Pdf

MARKER = "https://evalbook.invalid/destination#"  # a link to an element printed in another segment
MM = 72 / 25.4  # PDF points per millimetre
HEADER_MM, RULE_MM, SIDE_MM = 9.0, 11.0, 12.0  # baseline of the header, its rule, side margins (evalbook.css @page)
FONT = "/EvalbookHeader"
FONT_SIZE = 8
# Widths (per 1000 units of the font size) of the characters of a page number in Helvetica.
NUMBER_WIDTHS = {**dict.fromkeys("0123456789", 556), "i": 222, "v": 500, "x": 500, "l": 222, "c": 500}


@dataclass
class Bookmark:
    """An entry of the outline: its title, the named destination it opens, its children."""

    title: str
    target: str
    children: list[Bookmark] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    """What a PDF is made of and what it says about itself."""

    title: str
    author: str
    subject: str
    language: str
    front: Path  # cover (its first page) and table of contents
    segments: list[Path]
    bookmarks: list[Bookmark]
    headers: list[tuple[str, str]]  # (named destination where a header starts, its text), in order


def body_pages(segments: list[Path]) -> dict[str, int]:
    """The printed page number (from 1 at the first page of the first segment) of every named
    destination in ``segments``."""
    numbers, offset = {}, 0
    for path in segments:
        with Pdf.open(path) as pdf:
            numbers.update({name: offset + page + 1 for name, (page, _, _) in _destinations(pdf).items()})
            offset += len(pdf.pages)
    return numbers


def assemble(document: Document, out: Path) -> None:
    """Write ``document`` to ``out``: its front matter, then its segments, with page numbers,
    running headers, bookmarks, working links, merged tags and its metadata."""
    pdf = Pdf.new()
    pieces, targets = [], {}
    try:
        for path in [document.front, *document.segments]:
            source = Pdf.open(path)
            first = len(pdf.pages)
            with warnings.catch_warnings():  # named destinations are not copied: _link resolves them
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                pdf.pages.extend(source.pages)
            targets.update({name: (first + i, x, y) for name, (i, x, y) in _destinations(source).items()})
            pieces.append((source, first))
        front_count = len(pieces[0][0].pages)
        _merge_tags(pdf, pieces, document.language)
        _link(pdf, targets)
        _number(pdf, front_count, document.headers, targets)
        with pdf.open_outline() as outline:
            outline.root.extend(_outline(document.bookmarks, targets))
        pdf.docinfo[Name.Title] = document.title
        pdf.docinfo[Name.Author] = document.author
        pdf.docinfo[Name.Subject] = document.subject
        pdf.docinfo[Name.Creator] = "evalbook"
        pdf.Root.PageMode = Name.UseOutlines
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        pdf.save(out, deterministic_id=True)
    finally:
        for source, _ in pieces:
            source.close()
        pdf.close()


def _destinations(pdf: Pdf) -> dict[str, tuple[int, float, float]]:
    """The named destinations of a printed piece: id -> (page index, left, top)."""
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    entries = [(str(name).removeprefix("/"), dest) for name, dest in pdf.Root.get("/Dests", Dictionary()).items()]
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        entries += list(NameTree(pdf.Root.Names.Dests).items())
    found = {}
    for name, dest in entries:
        dest = dest.D if isinstance(dest, Dictionary) else dest
        left, top = (float(dest[i]) if len(dest) > i and dest[i] is not None else 0.0 for i in (2, 3))
        found[name] = (index[dest[0].objgen], left, top)
    return found


def _link(pdf: Pdf, targets: dict[str, tuple[int, float, float]]) -> None:
    """Point every link to a named destination or to the marker URL at its target's place in
    this PDF, as an explicit destination; a link whose target is not in it loses its action
    (the annotation stays: the tags refer to it)."""
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", Array()):
            if annot.get("/Subtype") != Name.Link:
                continue
            dest, action = annot.get("/Dest"), annot.get("/A")
            if isinstance(dest, Name | pikepdf.String):
                name = str(dest).removeprefix("/")
            elif action is not None and str(action.get("/URI", "")).startswith(MARKER):
                name = unquote(str(action.URI)[len(MARKER) :])
            else:
                continue
            for key in ("/A", "/Dest"):
                if key in annot:
                    del annot[key]
            if name in targets:
                index, left, top = targets[name]
                annot.Dest = Array([pdf.pages[index].obj, Name.XYZ, left, top, 0])


def _number(pdf: Pdf, front_count: int, headers: list[tuple[str, str]], targets: dict) -> None:
    """Page labels, page numbers and running headers: the cover has none, the rest of the front
    matter roman numbers with the header "Inhoud", the body numbers from 1 with the header that
    starts at or before the page (``headers``: named destination, text)."""
    pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r), front_count, Dictionary(S=Name.D)]))
    starts = sorted((targets[name][0], text) for name, text in headers if name in targets)
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
    )
    for index, page in enumerate(pdf.pages):
        if index == 0:
            continue
        if index < front_count:
            number, header = _roman(index + 1), "Inhoud"
        else:
            number = str(index - front_count + 1)
            header = next((text for start, text in reversed(starts) if start <= index), "")
        page.add_resource(font, Name.Font, Name(FONT))
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ\n" + _stamp(page.mediabox, header, number))


def _roman(n: int) -> str:
    numerals = [(100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in numerals:
        count, n = divmod(n, value)
        out += letters * count
    return out


def _stamp(box, header: str, number: str) -> bytes:
    """The content of a page's top margin: the running header (left), the page number (right)
    and a thin rule below them, marked as a pagination artifact."""
    x0, _, x1, y1 = (float(v) for v in box)
    left, right = x0 + SIDE_MM * MM, x1 - SIDE_MM * MM
    baseline, rule = y1 - HEADER_MM * MM, y1 - RULE_MM * MM
    width = sum(NUMBER_WIDTHS[c] for c in number) * FONT_SIZE / 1000
    room = int((right - left - width) / (FONT_SIZE * 0.5)) - 4  # characters that fit beside the number
    if len(header) > room:
        header = header[: room - 1].rstrip() + "\u2026"
    return (
        f"/Artifact <</Type /Pagination /Subtype /Header>> BDC\n"
        f"0.35 g 0.35 G 0.4 w {left:.2f} {rule:.2f} m {right:.2f} {rule:.2f} l S\n"
        f"BT {FONT} {FONT_SIZE} Tf {left:.2f} {baseline:.2f} Td ({_pdf_text(header)}) Tj ET\n"
        f"BT {FONT} {FONT_SIZE} Tf {right - width:.2f} {baseline:.2f} Td ({number}) Tj ET\nEMC\n"
    ).encode("latin-1")


def _pdf_text(text: str) -> str:
    """``text`` as a PDF string in WinAnsi (the encoding of the header font)."""
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _outline(bookmarks: list[Bookmark], targets: dict) -> list[OutlineItem]:
    """Outline items for the bookmarks whose target is in the PDF, with their children."""
    items = []
    for mark in bookmarks:
        if mark.target in targets:
            index, left, top = targets[mark.target]
            item = OutlineItem(mark.title, index, PageLocation.XYZ, left=left, top=top)
            item.children.extend(_outline(mark.children, targets))
            items.append(item)
    return items


def _merge_tags(pdf: Pdf, pieces: list[tuple[Pdf, int]], language: str) -> None:
    """One structure tree for ``pdf`` from those of ``pieces`` (source, index of its first
    page in ``pdf``; the pages already copied): their top elements under one Document element,
    their parent trees joined with the keys of each piece shifted past the previous ones (and
    the pages' and annotations' keys with them)."""
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    kids, nums, offset = [], [], 0
    for source, first in pieces:
        tree = source.Root.get("/StructTreeRoot")
        if tree is None:
            continue
        for top in _as_list(tree.K):
            children = top.K if top.get("/S") == Name.Document else top
            kids += [_copy(pdf, child) for child in _as_list(children)]
        for key, value in _number_tree(tree.ParentTree):
            nums += [key + offset, _copy(pdf, value)]
        for page in pdf.pages[first : first + len(source.pages)]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", Array()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        offset += int(tree.get("/ParentTreeNextKey", 0))
    document.K = Array(kids)
    for kid in kids:  # the elements below keep their parents: copied with them (see _copy)
        if _is_element(kid):
            kid.P = document
    root.K = document
    root.ParentTree = Dictionary(Nums=Array(nums))
    root.ParentTreeNextKey = offset
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = pikepdf.String(language)


def _copy(pdf: Pdf, obj):
    """``obj`` of another PDF in ``pdf``: an indirect object copied once (pages and what was
    copied before keep their copies), a direct array item by item. qpdf keeps one copy of each
    object of a source PDF across calls, so a copied structure element's parent (``/P``) is
    the copy of its parent: only the top elements of a piece need a new one."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return pdf.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(pdf, item) for item in obj])
    return obj


def _as_list(value) -> list:
    return list(value) if isinstance(value, Array) else [value]


def _number_tree(node) -> list[tuple[int, object]]:
    """The (key, value) pairs of a PDF number tree, in order."""
    nums = node.get("/Nums", Array())
    pairs = [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", Array()):
        pairs += _number_tree(kid)
    return pairs


def _is_element(obj) -> bool:
    """Whether ``obj`` (a kid in a structure tree) is a structure element, not marked content."""
    return isinstance(obj, Dictionary) and "/S" in obj and obj.get("/Type", Name.StructElem) == Name.StructElem
