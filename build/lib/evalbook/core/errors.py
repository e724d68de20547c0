"""The one exception hierarchy of evalbook.

Every error meant for the person running the book derives from :class:`EvalbookError`; the
command line prints its message in one line (or a short block) and exits non-zero, never a
traceback. Anything else escaping is a defect.
"""

from __future__ import annotations


class EvalbookError(Exception):
    """Base of every error evalbook reports to its user."""


class InputError(EvalbookError, ValueError):
    """An input file cannot be read: missing, unreadable, not a file, wrong encoding."""


class ContractError(InputError):
    """An input file does not meet its contract. The message is meant for the researcher."""


class ConfigError(EvalbookError, ValueError):
    """The book's configuration (``book.yml``) or a command-line choice is invalid."""


class ParameterError(ConfigError):
    """A chapter parameter is unknown, of the wrong type or out of its declared range."""


class DisclosureError(EvalbookError, ValueError):
    """A figure that could disclose a person was about to be published."""


class PrivacyError(EvalbookError):
    """Something that looks like a person-level identifier was about to be published."""


class BuildError(EvalbookError):
    """A chapter or the book failed to build; the message names the notebook and the cell."""


class ReleaseError(EvalbookError):
    """A release cannot be made (dirty tree, failing tests, version not newer, ...)."""
