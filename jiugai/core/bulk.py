"""Bulk writes on PostgreSQL: COPY rows straight into a model's table (psycopg 3).

COPY bypasses the ORM and its parameter binding; callers check their rows first (the inventory import,
the synthetic generator, paper ballots in bulk).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any


def copy_default(field: Any) -> Any:
    """A field's default as COPY's text format takes it."""
    value = field.get_default()
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    return value


def copy_columns(model: type[Any], columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The generated columns plus every other NOT NULL column with its model default.

    COPY bypasses the ORM, which is what normally fills model defaults; fields added to a model later
    must not break the bulk path.
    """
    extra = [f for f in model._meta.concrete_fields if f.column not in columns and not f.null and f.has_default()]
    return columns + tuple(f.column for f in extra), tuple(copy_default(f) for f in extra)


def copy_rows(cursor: Any, model: type[Any], columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """Stream rows into the model's table with COPY (psycopg 3)."""
    all_columns, defaults = copy_columns(model, columns)
    names = ", ".join(f'"{column}"' for column in all_columns)  # quoted: a column may be a keyword ("on")
    with cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        write = copy.write_row
        if defaults:
            for row in rows:
                write(row + defaults)
        else:
            for row in rows:
                write(row)
