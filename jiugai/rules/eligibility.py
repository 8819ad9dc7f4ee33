"""Whether an estate may enter the renovation programme.

- Completed by the end of 2000 (`eligibility.completed_by`): Zhanhe implementation plan 平湛政办〔2020〕10号,
  seeds/001_f6a39a551d1fc451.txt ("建成于2000年以前"); Guyuan draft plan, seeds/003_54d0b71b4a1e2a82.txt.
- Later estates for linkage, completed no later than the end of 2005 (`eligibility.post2000_allowed`,
  `eligibility.post2000_completed_by`), counted against a plan's household cap
  (`eligibility.post2000_household_cap`, Guyuan 15%): Guyuan, seeds/003_54d0b71b4a1e2a82.txt.
- Exclusions (shanty-town programmes, planned demolition/rebuild or expropriation, mainly self-built
  housing, urban villages, "three supplies and one property" done): Zhanhe, seeds/001_f6a39a551d1fc451.txt.
- Projects already in a centrally subsidised plan may not apply again (`eligibility.no_repeat_central_funding`):
  Guyuan, seeds/003_54d0b71b4a1e2a82.txt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from .common import param, show
from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _, gettext_noop
from .policy import Policy

RULE = "eligibility"

ZHANHE = Source(title="Zhanhe implementation plan 平湛政办〔2020〕10号", reference="seeds/001_f6a39a551d1fc451.txt")
GUYUAN = Source(title="Guyuan draft 2022 implementation plan", reference="seeds/003_54d0b71b4a1e2a82.txt")

EXCLUSIONS: dict[str, str] = {
    "in_shantytown_plan": gettext_noop("the estate is in a shanty-town renovation programme"),
    "expropriation_planned": gettext_noop("the estate is planned for demolition, rebuilding or expropriation"),
    "self_built_area": gettext_noop("the area is mainly residents' self-built housing"),
    "urban_village": gettext_noop("the estate is in an urban village"),
    "three_supplies_done": gettext_noop("the estate was already renovated under 'three supplies and one property'"),
}


@dataclass(frozen=True)
class EstateFacts:
    """What the rule needs to know about an estate. Give completed_on, or build_year when only the year is known."""

    completed_on: dt.date | None = None
    build_year: int | None = None
    in_shantytown_plan: bool = False
    expropriation_planned: bool = False
    self_built_area: bool = False
    urban_village: bool = False
    three_supplies_done: bool = False
    central_funded_year: int | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> EstateFacts:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RuleInputError(f"unknown estate facts: {', '.join(unknown)}")
        return cls(**dict(data))


def _completion(facts: EstateFacts) -> tuple[dt.date, str, dt.date | int, str]:
    """The completion date to compare, the fact it came from, that fact's value, and how to say it."""
    if facts.completed_on is not None:
        if not isinstance(facts.completed_on, dt.date):
            raise RuleInputError("completed_on must be a date")
        return (
            facts.completed_on,
            "completed_on",
            facts.completed_on,
            _("completed %(date)s") % {"date": show(facts.completed_on)},
        )
    if facts.build_year is not None:
        if (
            isinstance(facts.build_year, bool)
            or not isinstance(facts.build_year, int)
            or not 1 <= facts.build_year <= 9999
        ):
            raise RuleInputError("build_year must be a year such as 1998")
        # Only the year is known: the estate was finished by the year's last day at the latest, so
        # "built in 2000" meets "completed by 2000-12-31" (and a mid-year cut-off is not assumed met).
        last_day = dt.date(facts.build_year, 12, 31)
        said = _("built in %(year)s (taken as %(date)s)") % {"year": facts.build_year, "date": show(last_day)}
        return last_day, "build_year", facts.build_year, said
    raise RuleInputError("give completed_on (YYYY-MM-DD) or build_year")


def eligibility_decide(facts: EstateFacts | Mapping[str, Any], policy: Policy) -> Decision:
    """eligible / eligible_capped / not_eligible, with a reason for every fact checked.

    Zhanhe plan (seeds/001_f6a39a551d1fc451.txt) for the 2000 cut-off and the exclusions; Guyuan draft plan
    (seeds/003_54d0b71b4a1e2a82.txt) for later estates up to 2005 and for no repeat central funding.
    """
    if not isinstance(facts, EstateFacts):
        facts = EstateFacts.from_mapping(facts)
    for flag in EXCLUSIONS:
        if not isinstance(getattr(facts, flag), bool):
            raise RuleInputError(f"{flag} must be true or false")
    completed, fact, fact_value, said = _completion(facts)
    reasons: list[Reason] = []
    excluded = False

    cut_off = param(policy, "eligibility.completed_by")
    capped = False
    if completed <= cut_off.value:
        date_ok = True
        reasons.append(
            Reason(
                code="completed_in_time",
                message=_("%(said)s, on or before %(cut_off)s") % {"said": said, "cut_off": show(cut_off.value)},
                parameter=cut_off.key,
                value=fact_value,
                threshold=cut_off.value,
                source=cut_off.source,
                fact=fact,
            )
        )
    else:
        allowed = param(policy, "eligibility.post2000_allowed", default=False)
        if not allowed.value:
            date_ok = False
            reasons.append(
                Reason(
                    code="completed_too_late",
                    message=_("%(said)s, after %(cut_off)s, and later estates are not admitted")
                    % {"said": said, "cut_off": show(cut_off.value)},
                    parameter=allowed.key,
                    value=fact_value,
                    threshold=False,
                    source=allowed.source,
                    fact=fact,
                )
            )
        else:
            latest = param(policy, "eligibility.post2000_completed_by")
            date_ok = completed <= latest.value
            capped = date_ok
            cap_key = "eligibility.post2000_household_cap"
            cap = param(policy, cap_key) if cap_key in policy else None
            if not date_ok:
                template = _("%(said)s, after %(cut_off)s and after %(latest)s, the latest date for later estates")
            elif cap is not None:
                template = _(
                    "%(said)s, after %(cut_off)s but on or before %(latest)s: admitted for linkage; "
                    "later estates may be at most %(cap)s of a plan's households"
                )
            else:
                template = _("%(said)s, after %(cut_off)s but on or before %(latest)s: admitted for linkage")
            reasons.append(
                Reason(
                    code="completed_later_capped" if date_ok else "completed_too_late",
                    message=template
                    % {
                        "said": said,
                        "cut_off": show(cut_off.value),
                        "latest": show(latest.value),
                        "cap": show(cap.value) if cap is not None else "",
                    },
                    parameter=latest.key,
                    value=fact_value,
                    threshold=latest.value,
                    source=latest.source,
                    fact=fact,
                )
            )
            if cap is not None:
                reasons.append(
                    Reason(
                        code="post2000_household_cap",
                        message=_("later estates count against the plan's cap of %(cap)s of households")
                        % {"cap": show(cap.value)},
                        parameter=cap.key,
                        threshold=cap.value,
                        source=cap.source,
                    )
                )

    for flag, text in EXCLUSIONS.items():
        if getattr(facts, flag):
            excluded = True
            reasons.append(
                Reason(
                    code=f"excluded_{flag}",
                    message=_("excluded: %(why)s") % {"why": _(text)},
                    value=True,
                    fact=flag,
                    source=ZHANHE,
                )
            )

    if facts.central_funded_year is not None:
        if isinstance(facts.central_funded_year, bool) or not isinstance(facts.central_funded_year, int):
            raise RuleInputError("central_funded_year must be a year such as 2020")
        no_repeat = param(policy, "eligibility.no_repeat_central_funding", default=False)
        if no_repeat.value:
            excluded = True
            reasons.append(
                Reason(
                    code="excluded_repeat_central_funding",
                    message=_("already in a centrally subsidised plan (%(year)s); may not apply again")
                    % {"year": facts.central_funded_year},
                    parameter=no_repeat.key,
                    value=facts.central_funded_year,
                    threshold=True,
                    source=no_repeat.source if not no_repeat.defaulted else GUYUAN,
                    fact="central_funded_year",
                )
            )
        else:
            reasons.append(
                Reason(
                    code="repeat_central_funding_allowed",
                    message=_("centrally funded before (%(year)s), which this jurisdiction does not bar")
                    % {"year": facts.central_funded_year},
                    parameter=no_repeat.key,
                    value=facts.central_funded_year,
                    threshold=False,
                    source=no_repeat.source,
                    fact="central_funded_year",
                )
            )

    if excluded or not date_ok:
        outcome = "not_eligible"
    else:
        outcome = "eligible_capped" if capped else "eligible"
    return Decision(
        rule=RULE,
        outcome=outcome,
        reasons=tuple(reasons),
        figures={"completion_compared": completed, "completion_fact": fact, "excluded": excluded},
    )
