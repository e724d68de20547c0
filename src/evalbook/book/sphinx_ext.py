"""Sphinx additions for the book's HTML, loaded through ``_config.yml`` (``sphinx: extra_extensions``).

The version switcher's ``version_match`` is taken from the book's ``version`` in
``_config.yml`` (one place for the version).

sphinx-thebe registers its inline configuration script twice under Jupyter Book 1.0.4 /
sphinx-book-theme 1.3, so every page declares ``const THEBE_JS_URL`` twice and the browser
reports a SyntaxError. The book does not use Thebe; this keeps the first copy of each
identical script.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique  # inline scripts come as filename None or "": one key


def _version_match(app, config):
    switcher = config.html_theme_options.get("switcher")
    if isinstance(switcher, dict):
        book = yaml.safe_load(Path(app.confdir, "_config.yml").read_text(encoding="utf-8"))
        switcher["version_match"] = str(book["version"])


def setup(app):
    app.connect("config-inited", _version_match)
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after the extensions that add scripts
    return {"parallel_read_safe": True, "parallel_write_safe": True}
