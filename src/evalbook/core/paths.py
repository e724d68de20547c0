"""Where things are: the repository root and paths relative to it.

Chapter parameters carry paths relative to the repository root (``data/synthetic``), so an
executed notebook means the same on every machine; absolute paths are used as given.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError

MARKER = "_config.yml"


def repo_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: the working directory) holding
    the book's ``_config.yml``; falls back to the checkout this package was installed from."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / MARKER).is_file() and (candidate / "src" / "evalbook").is_dir():
            return candidate
    package_checkout = Path(__file__).resolve().parents[3]  # src/evalbook/core/paths.py
    if (package_checkout / MARKER).is_file():
        return package_checkout
    raise ConfigError(f"no {MARKER} found at or above {here}: run from inside the book's repository")


def resolve(path: str | Path, root: Path | None = None) -> Path:
    """An absolute path: ``path`` itself if absolute, else relative to the repository root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (root or repo_root()) / p


def display(path: Path, root: Path | None = None) -> str:
    """``path`` relative to the repository root when inside it (stable across machines). The
    file itself is named as given (a symbolic link is not followed, so one that loops is named
    too); only the directories above it are resolved."""
    root = (root or repo_root()).resolve()
    path = Path(path)
    try:
        return (path.parent.resolve() / path.name).relative_to(root).as_posix()
    except (ValueError, RuntimeError, OSError):
        return str(path)


def ensure_dir(path: Path) -> Path:
    """``path``, created (with its parents) if missing."""
    path.mkdir(parents=True, exist_ok=True)
    return path
