"""Export any list to .xlsx or .csv: rows (or a queryset) and (header, accessor) columns → a download.

A column's accessor is an attribute path (``"street.name"``) or a callable taking the row. Values
are written as they are (numbers stay numbers in Excel); ``None`` becomes an empty cell, booleans
是/否 (translated), lazy strings text. CSV is UTF-8 with a byte-order mark, so Excel opens Chinese
text correctly; cells that would start a formula (=, +, -, @) are written as text in both formats.

Example (a view exporting what its filter shows, masking what the role may not see)::

    from jiugai.core.exporting import Column, export_response

    def household_export(request, fmt):
        queryset = visible_to(request.user, Household.objects.select_related("building__estate"))
        columns = [
            Column(_("Estate"), "building.estate.name"),
            Column(_("Building"), "building.number"),
            Column(_("Room"), "room"),
            Column(_("Area (m²)"), "area"),
            Column(_("Phone"), lambda h: personal_data_for(request.user, phone=h.phone, id_number="")["phone"]),
        ]
        return export_response(rows=queryset, columns=columns, filename="households", fmt=fmt)
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Column(NamedTuple):
    """One exported column: its header and how to get the value from a row."""

    header: Any
    accessor: str | Callable[[Any], Any]


def _resolve(row: Any, path: str) -> Any:
    value = row
    for part in path.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        if callable(value) and not isinstance(value, type):
            value = value()
    return value


def cell_value(value: Any) -> Any:
    """What a value becomes in a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (int, float, Decimal, dt.date, dt.datetime, str)):
        return value
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


def _rows(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[list[Any]]:
    iterable = rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else rows
    getters: list[Callable[[Any], Any]] = [
        col.accessor if callable(col.accessor) else functools.partial(_resolve, path=col.accessor) for col in columns
    ]
    for row in iterable:
        yield [cell_value(get(row)) for get in getters]


def _text_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _content_disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(*, rows: Iterable[Any], columns: Sequence[Column], filename: str) -> StreamingHttpResponse:
    """A streamed CSV download (UTF-8 with BOM)."""
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow([str(col.header) for col in columns])
        for values in _rows(rows, columns):
            yield writer.writerow([_text_safe(v) for v in values])

    response = StreamingHttpResponse(stream(), content_type=CSV_TYPE)
    response["Content-Disposition"] = _content_disposition(f"{filename}.csv")
    return response


def xlsx_response(*, rows: Iterable[Any], columns: Sequence[Column], filename: str, sheet: str = "") -> FileResponse:
    """An .xlsx download written row by row (openpyxl write-only) to a temporary file, then streamed."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=(sheet or filename)[:31])
    bold = Font(bold=True)
    header = []
    for col in columns:
        cell = WriteOnlyCell(worksheet, value=str(col.header))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for values in _rows(rows, columns):
        out: list[Any] = []
        for value in values:
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.data_type = "s"  # text, never a formula
                out.append(cell)
            else:
                out.append(value)
        worksheet.append(out)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX_TYPE, as_attachment=True, filename=f"{filename}.xlsx")
    return response


def export_response(
    *, rows: Iterable[Any], columns: Sequence[Column | tuple[Any, Any]], filename: str, fmt: str
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The download in `fmt` ("xlsx" or "csv"); an unknown format is answered 400."""
    cols = [col if isinstance(col, Column) else Column(*col) for col in columns]
    if fmt == "csv":
        return csv_response(rows=rows, columns=cols, filename=filename)
    if fmt == "xlsx":
        return xlsx_response(rows=rows, columns=cols, filename=filename)
    return HttpResponse(_("Unknown export format."), status=400, content_type="text/plain; charset=utf-8")
