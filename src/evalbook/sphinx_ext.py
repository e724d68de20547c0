"""Sphinx fixes for the book's HTML, loaded through ``_config.yml`` (``sphinx: extra_extensions``).

sphinx-thebe registers its inline configuration script twice under Jupyter Book 1.0.4 /
sphinx-book-theme 1.3, so every page declares ``const THEBE_JS_URL`` twice and the browser
reports a SyntaxError. The book does not use Thebe; this keeps the first copy of each
identical script.
"""

from __future__ import annotations


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique  # inline scripts come as filename None or "": one key


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after the extensions that add scripts
    return {"parallel_read_safe": True, "parallel_write_safe": True}
