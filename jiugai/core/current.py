"""The acting user of the current request or command, for change history and audit entries."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

_actor: ContextVar[Any] = ContextVar("jiugai_actor", default=None)


def get_actor() -> Any:
    return _actor.get()


@contextlib.contextmanager
def acting_as(user: Any) -> Iterator[None]:
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)
