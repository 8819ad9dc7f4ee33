"""Rules tests check the English message templates: run them with the identity translator.

The test run starts Django, whose startup installs its gettext as the rules' translator; the rules
themselves know nothing of Django, so their tests use the default (no translation).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jiugai.rules import i18n


@pytest.fixture(autouse=True)
def _untranslated_messages() -> Iterator[None]:
    previous = i18n.get_translator()
    i18n.set_translator(None)
    yield
    i18n.set_translator(previous)
