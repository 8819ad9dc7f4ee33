"""Reading an uploaded workbook: file type, size, encryption and corruption checks, then the raw cells.

python-calamine reads .xlsx and .xls (and sees merged ranges); .csv is read with the csv module
(UTF-8 with or without BOM, else GB18030, which is what Excel in China saves).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from .columns import INSTRUCTIONS_TITLE, LISTS_TITLE, column_letter

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class Problem:
    """One problem found in a file: where (sheet, row, column) and what, in the reader's language."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    letter: str = ""
    code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
            "code": self.code,
        }
        data.update(self.extra)
        return data


@dataclass
class SheetData:
    """The cells of one sheet as python-calamine gives them (row 0 is the header row)."""

    name: str
    rows: list[list[Any]]
    merged: list[str] = field(default_factory=list)


class FileProblem(Exception):
    """The file cannot be read at all (wrong type, too large, corrupt, encrypted)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.problem = Problem(message=message, code=code)


def _range_ref(start: tuple[int, int], end: tuple[int, int]) -> str:
    return f"{column_letter(start[1])}{start[0] + 1}:{column_letter(end[1])}{end[0] + 1}"


def _sniff(data: bytes, filename: str) -> str:
    name = filename.lower()
    if not name.endswith(EXTENSIONS):
        raise FileProblem(
            _("“%(name)s” is not an Excel workbook or CSV file; upload .xlsx, .xls or .csv.") % {"name": filename},
            "file_type",
        )
    if data.startswith(OLE_MAGIC):
        # An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream.
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise FileProblem(
                _(
                    "The workbook is password-protected. Remove the password in Excel (File → Info) and upload it again."
                ),
                "encrypted",
            )
        return "xls"
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise FileProblem(_("The workbook is damaged and cannot be opened."), "corrupt") from exc
        if "xl/workbook.xml" not in names:
            raise FileProblem(
                _("“%(name)s” is not an Excel workbook (it may be a Word or other Office file).") % {"name": filename},
                "file_type",
            )
        return "xlsx"
    if name.endswith(".csv"):
        if b"\x00" in data[:4096]:
            raise FileProblem(_("The CSV file contains binary data; save it again as CSV (UTF-8)."), "file_type")
        return "csv"
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise FileProblem(_("The workbook is damaged and cannot be opened."), "corrupt")
    raise FileProblem(_("Unrecognised file type."), "file_type")


def _read_csv(data: bytes, sheet_name: str) -> list[SheetData]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise FileProblem(_("The CSV file's text encoding is not UTF-8 or GB18030."), "encoding")
    rows = list(csv.reader(io.StringIO(text)))
    return [SheetData(name=sheet_name, rows=rows)]


def read_workbook(*, data: bytes, filename: str, csv_sheet: str = "") -> list[SheetData]:
    """Every data sheet of the file (the template's instructions and lists sheets are skipped).

    Raises `FileProblem` when the file cannot be read at all.
    """
    limit = max_bytes()
    if len(data) > limit:
        raise FileProblem(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB. Split it into smaller files.")
            % {"size": len(data) / 1048576, "limit": limit / 1048576},
            "too_large",
        )
    if not data:
        raise FileProblem(_("The file is empty."), "empty")
    kind = _sniff(data, filename)
    if kind == "csv":
        return _read_csv(data, csv_sheet)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.name in (INSTRUCTIONS_TITLE, LISTS_TITLE):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = list(sheet.iter_rows())
            merged = [_range_ref(start, end) for start, end in (sheet.merged_cell_ranges or [])]
            sheets.append(SheetData(name=meta.name, rows=rows, merged=merged))
    except Exception as exc:
        name = exc.__class__.__name__
        if "Password" in name or "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise FileProblem(
                _(
                    "The workbook is password-protected. Remove the password in Excel (File → Info) and upload it again."
                ),
                "encrypted",
            ) from exc
        raise FileProblem(_("The workbook is damaged and cannot be opened."), "corrupt") from exc
    return sheets
