"""The book's one configuration, ``book.yml``: parameters, templates, parts and chapters.

:func:`load` reads and checks it into plain dataclasses; :func:`jobs` turns it into the list
of chapter runs (template × part, with validated parameters) that the build executes, and
:func:`toc` into the table of contents Jupyter Book reads (``_toc.yml``). Parameter values,
from the file or the command line, are checked here against their declared type and range,
so a chapter never runs with a value it cannot use.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..core import paths
from ..core.errors import ConfigError, ParameterError

CONFIG_FILE = "book.yml"
TYPES = ("int", "float", "bool", "str", "path", "choice", "list")
PARTITION_PARAMETER = "part"  # injected with every run; not a configurable parameter


@dataclass(frozen=True)
class Parameter:
    """A chapter parameter as declared in ``book.yml``."""

    name: str
    type: str
    default: object
    help: str = ""
    label: str = ""  # Dutch: how the chapter's provenance box names it
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    min_items: int = 0  # for a list: the fewest values it may hold

    def check(self, value, where: str = ""):
        """``value`` converted to this parameter's type, or :class:`ParameterError`."""
        where = where or f"parameter {self.name!r}"
        kind = self.type
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
                raise ParameterError(f"{where}: expected a whole number, got {value!r}")
            value = int(value)
        elif kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ParameterError(f"{where}: expected a number, got {value!r}")
            value = float(value)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise ParameterError(f"{where}: expected true or false, got {value!r}")
        elif kind in ("str", "path"):
            if not isinstance(value, str) or not value.strip():
                raise ParameterError(f"{where}: expected a non-empty text, got {value!r}")
        elif kind == "choice":
            if value not in self.choices:
                raise ParameterError(f"{where}: expected one of {', '.join(self.choices)}, got {value!r}")
        elif kind == "list":
            value = self._check_list(value, where)
        if kind in ("int", "float") and (
            self.min is not None and value < self.min or self.max is not None and value > self.max
        ):
            raise ParameterError(f"{where}: {value!r} is outside the allowed range {self.min:g} to {self.max:g}")
        return value

    def _check_list(self, value, where: str) -> list[str]:
        """A list parameter: names, each once, from ``choices`` when declared, at least ``min_items``."""
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ParameterError(f"{where}: expected a list of names, got {value!r}")
        unknown = [v for v in value if self.choices and v not in self.choices]
        if unknown:
            close = [difflib.get_close_matches(v, self.choices, n=1) for v in unknown]
            hint = "".join(f" (did you mean {c[0]!r} for {v!r}?)" for v, c in zip(unknown, close, strict=True) if c)
            named = ", ".join(map(repr, unknown))
            raise ParameterError(f"{where}: unknown value(s) {named}{hint}; choose from {', '.join(self.choices)}")
        repeated = sorted({v for v in value if value.count(v) > 1})
        if repeated:
            raise ParameterError(f"{where}: {', '.join(map(repr, repeated))} given more than once; name each once")
        if len(value) < self.min_items:
            choose = f": choose from {', '.join(self.choices)}" if self.choices else ""
            raise ParameterError(f"{where}: give at least {self.min_items} value(s), got none{choose}")
        return list(value)

    def parse(self, text: str):
        """A command-line value (text) converted and checked."""
        text = text.strip()
        if self.type in ("int", "float"):
            convert, words = (int, "a whole number") if self.type == "int" else (float, "a number")
            try:
                value = convert(text.replace(",", ".") if self.type == "float" else text)
            except ValueError:
                raise ParameterError(f"parameter {self.name!r}: expected {words}, got {text!r}") from None
            return self.check(value)
        if self.type == "list":
            return self.check([v.strip() for v in text.split(",") if v.strip()])
        if self.type == "bool":
            words = {"true": True, "ja": True, "false": False, "nee": False}
            if text.lower() not in words:
                raise ParameterError(f"parameter {self.name!r}: expected true or false, got {text!r}")
            return self.check(words[text.lower()])
        return self.check(text)


@dataclass(frozen=True)
class Input:
    """A file a template reads: where it lies, its contract, whether it may be missing."""

    name: str
    path: str  # relative to the repository root, with {parameter} and {part} placeholders
    contract: str
    optional: bool = False
    many: bool = False  # ``path`` is a glob pattern: every matching file
    without: str = ""  # Dutch: what the chapter leaves out when an optional input is missing


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    parameters: tuple[str, ...]
    inputs: dict[str, Input]
    check: str | None = None  # a cross-file check in evalbook.schemas.CHECKS

    @property
    def source(self) -> Path:
        """The template's file, relative to the repository root."""
        return Path("notebooks") / f"{self.name}.md"


@dataclass(frozen=True)
class ChapterSpec:
    """One chapter of a part as book.yml declares it: a template with this part's parameter
    values (what :class:`evalbook.book.chapter.Chapter` runs)."""

    template: Template
    part: Part
    values: dict

    @property
    def label(self) -> str:
        return f"{self.part.key}/{self.template.name}"

    @property
    def title(self) -> str:
        """The page title: the template's, with the part's short name where several parts use it."""
        shared = self.template.name in self.part.shared_templates
        return f"{self.template.title} {self.part.short}" if shared and self.part.short else self.template.title


@dataclass(frozen=True)
class Part:
    key: str  # directory under book/ (and under the data directory)
    title: str  # Dutch
    short: str = ""
    programme_group: str = "programmagroep"
    source: dict = field(default_factory=dict)  # the source report: file, cite, label
    target_groups: dict = field(default_factory=dict)  # key -> Dutch label
    date_window: tuple[str, str] | None = None  # earliest and latest plausible date of any input
    entries: tuple = ()  # in book order: ("chapter", template name, values) or ("page", path)
    shared_templates: frozenset[str] = frozenset()  # templates other parts use too

    @property
    def chapter_values(self) -> list[tuple[str, dict]]:
        return [(e[1], e[2]) for e in self.entries if e[0] == "chapter"]

    def labels(self) -> dict:
        """The labels a chapter shows for this part."""
        return {
            "title": self.title,
            "short": self.short or self.title,
            "programme_group": self.programme_group,
            "target_groups": dict(self.target_groups),
            "source": dict(self.source),
        }


@dataclass(frozen=True)
class Book:
    parameters: dict[str, Parameter]
    templates: dict[str, Template]
    parts: dict[str, Part]

    def chapters(self) -> list[ChapterSpec]:
        """Every chapter of the book, in book order."""
        return [
            ChapterSpec(self.templates[name], part, values)
            for part in self.parts.values()
            for name, values in part.chapter_values
        ]

    def chapter(self, part: str, template: str) -> ChapterSpec:
        for c in self.chapters():
            if c.part.key == part and c.template.name == template:
                return c
        raise ConfigError(f"chapter {template!r} does not run for part {part!r}")

    def resolve(self, chapter: ChapterSpec, overrides: dict | None = None) -> dict:
        """The full, checked parameter set of ``chapter``: declared defaults, then the part's
        values, then ``overrides`` (already typed). Unknown names are refused."""
        allowed = chapter.template.parameters
        values = {name: self.parameters[name].default for name in allowed}
        for source, given in (("book.yml", chapter.values), ("the command line", overrides or {})):
            for name, value in given.items():
                if name not in allowed:
                    raise ParameterError(
                        f"{chapter.label}: parameter {name!r} (from {source}) is not one of this "
                        f"chapter's parameters: {', '.join(allowed)}"
                    )
                values[name] = self.parameters[name].check(value, f"{chapter.label}: parameter {name!r}")
        return values


def load(root: Path | None = None) -> Book:
    """``book.yml`` of the repository at ``root``, checked."""
    path = (root or paths.repo_root()) / CONFIG_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{CONFIG_FILE}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{CONFIG_FILE}: not valid YAML ({exc})") from None
    parameters = {name: _parameter(name, spec) for name, spec in raw.get("parameters", {}).items()}
    default_window = _window(raw.get("date_window"), "date_window")
    templates = {name: _template(name, spec, parameters) for name, spec in raw.get("templates", {}).items()}
    parts: dict[str, Part] = {}
    for spec in raw.get("parts", []):
        part = _part(spec, templates, default_window)
        if part.key in parts:
            raise ConfigError(f"{CONFIG_FILE}: part {part.key!r} is listed twice")
        parts[part.key] = part
    users = [name for part in parts.values() for name, _ in part.chapter_values]
    shared = frozenset(name for name in users if users.count(name) > 1)
    book = Book(parameters, templates, {key: replace(part, shared_templates=shared) for key, part in parts.items()})
    for chapter in book.chapters():
        book.resolve(chapter)  # every configured value is valid
    return book


def _parameter(name: str, spec: dict) -> Parameter:
    if spec.get("type") not in TYPES:
        raise ConfigError(f"{CONFIG_FILE}: parameter {name!r} has type {spec.get('type')!r}; use one of {TYPES}")
    parameter = Parameter(
        name,
        spec["type"],
        spec.get("default"),
        spec.get("help", ""),
        spec.get("label", ""),
        spec.get("min"),
        spec.get("max"),
        tuple(spec.get("choices", ())),
        int(spec.get("min_items", 0)),
    )
    parameter.check(parameter.default, f"{CONFIG_FILE}: default of parameter {name!r}")
    return parameter


def _template(name: str, spec: dict, parameters: dict[str, Parameter]) -> Template:
    unknown = [p for p in spec.get("parameters", []) if p not in parameters]
    if unknown:
        raise ConfigError(f"{CONFIG_FILE}: template {name!r} takes undeclared parameter(s) {', '.join(unknown)}")
    inputs = {}
    for key, item in spec.get("inputs", {}).items():
        inputs[key] = Input(
            key,
            item["path"],
            item["contract"],
            bool(item.get("optional", False)),
            bool(item.get("many", False)),
            item.get("without", ""),
        )
    check = spec.get("check")
    template = Template(name, spec["title"], tuple(spec.get("parameters", [])), inputs, check)
    if not (paths.repo_root() / template.source).is_file():
        raise ConfigError(f"{CONFIG_FILE}: template {name!r} has no file {template.source}")
    return template


def _window(spec: dict | None, where: str) -> tuple[str, str] | None:
    if spec is None:
        return None
    try:
        earliest, latest = (dt.date.fromisoformat(str(spec[k])) for k in ("earliest", "latest"))
    except (KeyError, TypeError, ValueError):
        raise ConfigError(f"{CONFIG_FILE}: {where} needs earliest and latest as jjjj-mm-dd dates") from None
    if earliest >= latest:
        raise ConfigError(f"{CONFIG_FILE}: {where}: earliest must come before latest")
    return earliest.isoformat(), latest.isoformat()


def _part(spec: dict, templates: dict[str, Template], default_window: tuple[str, str] | None) -> Part:
    key = spec.get("key", "")
    entries = []
    for entry in spec.get("chapters", []):
        if "page" in entry:
            entries.append(("page", entry["page"]))
            continue
        name = entry.get("template")
        if name not in templates:
            close = difflib.get_close_matches(str(name), templates, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{CONFIG_FILE}: part {key!r} uses unknown template {name!r}{hint}")
        entries.append(("chapter", name, dict(entry.get("parameters") or {})))
    return Part(
        key=key,
        title=spec["title"],
        short=spec.get("short", ""),
        programme_group=spec.get("programme_group", "programmagroep"),
        source=spec.get("source", {}),
        target_groups=spec.get("target_groups", {}),
        entries=tuple(entries),
        date_window=_window(spec.get("date_window"), f"date_window of part {key!r}") or default_window,
    )


def parse_overrides(book: Book, pairs: list[tuple[str, str]]) -> dict:
    """Command-line ``-p NAME VALUE`` pairs, typed and checked; unknown names are refused
    with the closest known name."""
    overrides = {}
    for name, text in pairs:
        if name not in book.parameters:
            close = difflib.get_close_matches(name, book.parameters, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ParameterError(f"unknown parameter {name!r}{hint} Known: {', '.join(book.parameters)}")
        overrides[name] = book.parameters[name].parse(text)
    return overrides


@dataclass(frozen=True)
class Job:
    """One chapter run: the chapter and its full parameter set."""

    chapter: ChapterSpec
    parameters: dict

    @property
    def label(self) -> str:
        return self.chapter.label


def jobs(book: Book, part: str | None = None, template: str | None = None, overrides: dict | None = None) -> list[Job]:
    """The selected chapter runs in book order, parameters resolved. An override applies to
    the chapters that take that parameter; one that no selected chapter takes is refused."""
    if part is not None and part not in book.parts:
        raise ConfigError(f"unknown programme {part!r}; choose from {', '.join(book.parts)}")
    if template is not None and template not in book.templates:
        close = difflib.get_close_matches(template, book.templates, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"unknown chapter {template!r}{hint}; choose from {', '.join(book.templates)}")
    selected = [c for c in book.chapters() if part in (None, c.part.key) and template in (None, c.template.name)]
    if not selected:
        raise ConfigError(f"chapter {template!r} does not run for programme {part!r}")
    overrides = overrides or {}
    unused = [n for n in overrides if not any(n in c.template.parameters for c in selected)]
    if unused:
        raise ParameterError(f"parameter(s) {', '.join(unused)} are not used by the selected chapter(s)")
    return [
        Job(c, book.resolve(c, {k: v for k, v in overrides.items() if k in c.template.parameters})) for c in selected
    ]


def toc(book: Book, root_page: str = "book/intro") -> dict:
    """The table of contents (``_toc.yml``) that follows from the parts and their chapters."""
    parts = []
    for part in book.parts.values():
        files = [f"book/{part.key}/{e[1]}" if e[0] == "chapter" else e[1] for e in part.entries]
        parts.append({"caption": part.title, "chapters": [{"file": f} for f in files]})
    return {"format": "jb-book", "root": root_page, "parts": parts}
