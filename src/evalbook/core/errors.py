"""The one exception hierarchy of evalbook.

Every error meant for the person running the book derives from :class:`EvalbookError`; the
command line prints its message in one line (or a short block) and exits non-zero, never a
traceback. Anything else escaping is a defect.
"""

from __future__ import annotations

FIX_HINT = "\nFix the file and run again; the contract is described in the README ('Rerun with your own data')."


class EvalbookError(Exception):
    """Base of every error evalbook reports to its user."""


class InputError(EvalbookError, ValueError):
    """An input file cannot be read: missing, unreadable, not a file, wrong encoding."""


class ContractError(InputError):
    """An input file does not meet its contract. The message is meant for the researcher."""


class MissingInputError(ContractError):
    """A required input file does not exist."""


class PreconditionError(ContractError):
    """Valid inputs on which a chapter's statistics cannot be computed (too few persons in a
    group, no events): the message names the chapter, the group and what is needed."""


class InputsError(ContractError):
    """Every problem found in the inputs of one or more chapters, reported together.

    ``problems`` holds the single errors (one per file or check), in the order found;
    ``missing_only`` says whether every one of them is a missing file (the data directory
    holds none of these chapters' inputs)."""

    def __init__(self, problems: list[EvalbookError], note: str = ""):
        self.problems = list(problems)
        blocks = list(dict.fromkeys(str(p).removesuffix(FIX_HINT).rstrip() for p in self.problems))
        text = "\n".join(blocks)
        if any(str(p).endswith(FIX_HINT) for p in self.problems):
            text += FIX_HINT
        super().__init__(text + (f"\n{note}" if note else ""))

    @property
    def missing_only(self) -> bool:
        return all(isinstance(p, MissingInputError) for p in self.problems)


class ConfigError(EvalbookError, ValueError):
    """The book's configuration (``book.yml``) or a command-line choice is invalid."""


class ParameterError(ConfigError):
    """A chapter parameter is unknown, of the wrong type or out of its declared range."""


class DisclosureError(EvalbookError, ValueError):
    """A figure that could disclose a person was about to be published."""


class PrivacyError(EvalbookError):
    """Something that looks like a person-level identifier was about to be published."""


class OutputError(EvalbookError):
    """A file or directory evalbook writes cannot be written (permissions, read-only or full disk)."""


class BuildError(EvalbookError):
    """A chapter or the book failed to build; the message names the notebook and the cell."""


class ReleaseError(EvalbookError):
    """A release cannot be made (dirty tree, failing tests, version not newer, ...)."""
