"""A translation hook for rule messages, without Django.

Rules build their user-facing messages with `_()` on literal templates with named %-placeholders, so
that the message extractor finds them: `_("%(agreeing)s of %(total)s agree") % {...}`. By default `_()`
returns the text unchanged; the application installs its translator at startup (`set_translator`), so
that messages come out in the language active when the rule runs.

`gettext_noop` marks a literal for extraction where it is translated later (module-level tables).
"""

from __future__ import annotations

from collections.abc import Callable


def _identity(message: str) -> str:
    return message


_translator: Callable[[str], str] = _identity


def set_translator(fn: Callable[[str], str] | None) -> None:
    """Install the function that translates messages; None restores the identity."""
    global _translator
    _translator = fn if fn is not None else _identity


def get_translator() -> Callable[[str], str]:
    """The function that translates messages now (to restore it after a temporary change)."""
    return _translator


def _(message: str) -> str:
    """The message in the current language (the installed translator's answer)."""
    return str(_translator(message))


def gettext_noop(message: str) -> str:
    """Mark a literal for extraction without translating it now; pass it through `_()` when it is shown."""
    return message
