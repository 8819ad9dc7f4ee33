"""Paper ballots collected door to door, as a workbook: the register sheet to fill in, and reading it back.

The sheet lists every household of the campaign's scope (building, stairwell, room, the owner's name
masked) with an empty answer column that offers 同意 / 不同意 / 弃权; rows left empty are households
not reached yet. Reading it back finds each row's household by building, stairwell and room and hands
the batch to `services.paper_ballots_import`, which records it all or nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from jiugai.core.text import mask_name
from jiugai.inventory.imports.reader import FileProblem, read_workbook

from .choices import Answer
from .models import Campaign
from .selectors import households_in_scope
from .services import PaperBallot

HEADERS = ("楼栋", "单元", "房号", "户主", "意见")
ANSWER_WORDS = {"同意": Answer.YES, "不同意": Answer.NO, "弃权": Answer.ABSTAIN}


@dataclass
class PaperSheet:
    """What a filled-in sheet says: the ballots, and the rows that could not be read (by row number)."""

    ballots: list[PaperBallot] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)


def _key(building: Any, stairwell: Any, room: Any) -> tuple[str, str, str]:
    def text(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value if value is not None else "").strip()

    return text(building), text(stairwell) or "1", text(room)


def paper_sheet_xlsx(*, campaign: Campaign) -> bytes:
    """The register sheet of the campaign's scope, ready to fill in at the door."""
    book = Workbook()
    sheet = book.active
    sheet.title = "纸质表决"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    households = (
        households_in_scope(campaign=campaign)
        .select_related("building")
        .order_by("building__number", "stairwell", "floor", "room")
    )
    for household in households:
        sheet.append(
            [household.building.number, household.stairwell, household.room, mask_name(household.owner_name), None]
        )
    choice = DataValidation(type="list", formula1='"同意,不同意,弃权"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"E2:E{max(sheet.max_row, 2)}")
    for column, width in zip("ABCDE", (10, 8, 10, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def paper_sheet_read(*, campaign: Campaign, data: bytes, filename: str) -> PaperSheet:
    """The ballots of a filled-in sheet; unreadable rows and an unreadable file become problems."""
    result = PaperSheet()
    try:
        sheets = read_workbook(data=data, filename=filename)
    except FileProblem as exc:
        result.problems.append({"row": 0, "message": str(exc)})
        return result
    if not sheets or not sheets[0].rows:
        result.problems.append({"row": 0, "message": _("The workbook has no sheet to read.")})
        return result
    rows = sheets[0].rows
    header = [str(cell).strip() for cell in rows[0]]
    missing = [name for name in HEADERS if name not in header and name != "户主"]
    if missing:
        result.problems.append({"row": 1, "message": _("Missing columns: %(names)s") % {"names": "、".join(missing)}})
        return result
    at = {name: header.index(name) for name in HEADERS if name in header}
    households = {
        _key(h.building.number, h.stairwell, h.room): h.pk
        for h in households_in_scope(campaign=campaign)
        .select_related("building")
        .only("pk", "stairwell", "room", "building__number")
    }
    width = max(at.values()) + 1
    for number, raw in enumerate(rows[1:], start=2):
        cells = [*raw, *([""] * (width - len(raw)))]
        word = str(cells[at["意见"]] or "").strip()
        if not word:
            continue  # not reached yet
        key = _key(cells[at["楼栋"]], cells[at["单元"]], cells[at["房号"]])
        household = households.get(key)
        answer = ANSWER_WORDS.get(word)
        if household is None:
            result.problems.append(
                {
                    "row": number,
                    "message": _("No household %(building)s-%(stairwell)s-%(room)s in this campaign.")
                    % {"building": key[0], "stairwell": key[1], "room": key[2]},
                }
            )
        elif answer is None:
            result.problems.append(
                {"row": number, "message": _("Write 同意, 不同意 or 弃权, not “%(word)s”.") % {"word": word}}
            )
        else:
            result.ballots.append(PaperBallot(household, answer, row=number))
    if not result.ballots and not result.problems:
        result.problems.append({"row": 0, "message": _("No row of the sheet has an answer.")})
    return result
