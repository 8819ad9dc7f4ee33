"""The catalogue as a workbook: the blank template (with drop-down lists), reading an uploaded one, and the
export columns (an export can be edited and imported again as the next version)."""

from __future__ import annotations

import functools
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from jiugai.accounts.choices import UtilityType
from jiugai.core.exporting import XLSX_TYPE, Column
from jiugai.inventory.choices import ConditionItem
from jiugai.inventory.imports.reader import FileProblem, read_workbook

from .choices import ItemClass, QuantityBasis, Target
from .models import CatalogueItem

__all__ = ["FIELDS", "XLSX_TYPE", "export_columns", "headers", "read_items", "template_workbook"]

# Column order of the template, the export and the import (positional, so translated headers still match).
FIELDS = (
    "code",
    "name",
    "item_class",
    "unit",
    "quantity_basis",
    "quantity_factor",
    "unit_cost",
    "utility",
    "condition_item",
    "targets",
    "note",
)


def headers() -> list[str]:
    return [
        _("Code"),
        _("Name"),
        _("Class (basic / improvement / upgrade)"),
        _("Unit"),
        _("Quantity basis"),
        _("Quantity per basis unit"),
        _("Unit cost (yuan)"),
        _("Responsible utility"),
        _("Survey item it answers"),
        _("Zhanhe targets (comma-separated)"),
        _("Note"),
    ]


def export_columns() -> list[Column]:
    return [Column(header, functools.partial(_cell, name=name)) for header, name in zip(headers(), FIELDS, strict=True)]


def _cell(item: CatalogueItem, name: str) -> Any:
    value = getattr(item, name)
    if name == "targets":
        return ",".join(value or [])
    return value


def template_workbook() -> bytes:
    """A blank catalogue workbook with drop-downs for the coded columns and a codes sheet explaining them."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = _("Catalogue")
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["B01", "供水管网改造", "basic", "户", "household", 1, 2500, "water", "water", "tidy_lines", ""])
    lists = {
        "C": ItemClass.values,
        "E": QuantityBasis.values,
        "H": ["", *UtilityType.values],
        "I": ["", *ConditionItem.values],
    }
    for column, values in lists.items():
        validation = DataValidation(
            type="list", formula1='"' + ",".join(v for v in values if v) + '"', allow_blank=True
        )
        validation.add(f"{column}2:{column}1000")
        sheet.add_data_validation(validation)
    codes = workbook.create_sheet(_("Codes"))
    codes.append([_("Column"), _("Code"), _("Meaning")])
    for title, choices in (
        (_("Class"), ItemClass.choices),
        (_("Quantity basis"), QuantityBasis.choices),
        (_("Responsible utility"), UtilityType.choices),
        (_("Survey item it answers"), ConditionItem.choices),
        (_("Zhanhe targets"), Target.choices),
    ):
        for value, label in choices:
            codes.append([str(title), value, str(label)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_items(*, data: bytes, filename: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The items of an uploaded catalogue workbook (first sheet, header row skipped) or the file's problems."""
    try:
        sheets = read_workbook(data=data, filename=filename)
    except FileProblem as exc:
        return [], [{"row": None, "column": "", "message": exc.problem.message}]
    if not sheets or len(sheets[0].rows) < 2:
        return [], [{"row": None, "column": "", "message": _("The workbook has no catalogue rows.")}]
    items = []
    for row in sheets[0].rows[1:]:
        cells = [("" if v is None else v) for v in row] + [""] * len(FIELDS)
        if not any(str(c).strip() for c in cells[: len(FIELDS)]):
            continue
        values = {name: cells[i] for i, name in enumerate(FIELDS)}
        for name in ("code", "unit"):
            value = values[name]
            if isinstance(value, float) and value.is_integer():
                values[name] = str(int(value))
        items.append(values)
    return items, []
