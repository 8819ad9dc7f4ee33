"""Joint acceptance: who may sign for which party, when a round passes, the pass-rate KPI and the residents'
satisfaction figures.

- Zhanhe implementation plan 平湛政办〔2020〕10号 (seeds/001_f6a39a551d1fc451.txt), 工程验收阶段: "由业主单位组织街道
  办事处、业主委员会（或业主代表）和施工、设计、监理等单位共同验收，对存在问题进行整改 … 确保改造提质一个、合格一个、
  交付一个" — the six parties of `PARTY_ROLES`; any party's 'fail' sends the works back to rectification.
- Guyuan draft 2022 plan (seeds/003_54d0b71b4a1e2a82.txt): "验收合格率达到100%" (`projects.acceptance_pass_rate`,
  a fraction) and joint acceptance by the lead bureau, departments, contractor and supervisor.
- Zhanhe 001, 督导考核: effects are judged "看进度、看满意度" — the satisfaction survey (满意 / 基本满意 / 不满意).

Pure: no Django. Parties, roles, verdicts and answers are the string values of the app's choices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .common import at_least, share, show
from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _, gettext_noop
from .policy import Policy

PASS_RATE_KEY = "projects.acceptance_pass_rate"  # noqa: S105 - a parameter name, not a password

ZHANHE = Source(
    title="湛河区老旧小区改造提质工作实施方案（平湛政办〔2020〕10号）",
    reference="seeds/001_f6a39a551d1fc451.txt",
    jurisdiction="410411",
)
GUYUAN = Source(
    title="固原市区2022年老旧小区改造项目实施方案（征求意见稿）",
    reference="seeds/003_54d0b71b4a1e2a82.txt",
    jurisdiction="640402",
)

# Zhanhe 001: the owner unit organises the street office, the owners' committee (or owner representatives) and
# the construction, design and supervision firms. The owner unit (业主单位) is the implementing government body:
# the leading-group office or the housing department.
PARTY_ROLES: dict[str, frozenset[str]] = {
    "owner_unit": frozenset({"leading_group_office", "department"}),
    "street_office": frozenset({"street_office"}),
    "owners": frozenset({"owners_committee"}),
    "contractor": frozenset({"construction_firm"}),
    "designer": frozenset({"design_firm"}),
    "supervisor": frozenset({"supervision_firm"}),
}
PARTIES: tuple[str, ...] = tuple(PARTY_ROLES)
# Parties that are firms under contract: their users sign only for the firm the project contracted.
FIRM_PARTIES = frozenset({"contractor", "designer", "supervisor"})
PARTY_NAMES = {
    "owner_unit": gettext_noop("the owner unit"),
    "street_office": gettext_noop("the street office"),
    "owners": gettext_noop("the owners' committee or representatives"),
    "contractor": gettext_noop("the construction contractor"),
    "designer": gettext_noop("the designer"),
    "supervisor": gettext_noop("the supervisor"),
}
VERDICTS = ("pass", "fail")
ANSWERS = ("satisfied", "basically", "dissatisfied")
ROUND_STATUSES = ("open", "passed", "failed")


def _party(value: object, name: str = "party") -> str:
    if not isinstance(value, str) or value not in PARTY_ROLES:
        raise RuleInputError(f"{name} must be one of {', '.join(PARTIES)}, not {value!r}")
    return value


def _party_name(party: str) -> str:
    return _(PARTY_NAMES[party])


def party_roles(party: str) -> frozenset[str]:
    """The roles whose users may sign for `party` (Zhanhe 001)."""
    return PARTY_ROLES[_party(party)]


def parties_for_role(role: str) -> tuple[str, ...]:
    """The parties a user of `role` may sign for, in the order of the signing sheet."""
    return tuple(p for p in PARTIES if role in PARTY_ROLES[p])


def _same_firm(a: str, b: str) -> bool:
    """Firm names compare without surrounding or inner blanks and case ("固原建工集团 " = "固原建工集团")."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def signer_may_sign(party: str, role: str, organisation: str, project_firms: Mapping[str, str]) -> Decision:
    """allowed when a user of `role` from `organisation` may sign the joint acceptance for `party`.

    Zhanhe 001 (seeds/001_f6a39a551d1fc451.txt) names the parties; each signs for itself only. A firm's user
    signs for its own party, and only when `organisation` is the firm the project contracted for that party
    (`project_firms`: party → firm name, from the project's construction / design / supervision firm).
    """
    party = _party(party)
    if not isinstance(role, str) or not isinstance(organisation, str):
        raise RuleInputError("role and organisation must be text")
    for key, firm in project_firms.items():
        _party(key, "project_firms key")
        if not isinstance(firm, str):
            raise RuleInputError(f"project_firms[{key!r}] must be text")
    allowed_roles = PARTY_ROLES[party]
    values = {"party": _party_name(party), "role": role}
    if role not in allowed_roles:
        own = parties_for_role(role)
        message = (
            _("this user signs for %(own)s, not for %(party)s")
            % {**values, "own": "、".join(_party_name(p) for p in own)}
            if own
            else _("this user's role is not a party to joint acceptance and may not sign for %(party)s") % values
        )
        reason = Reason(
            code="other_party",
            message=message,
            value=role,
            threshold=sorted(allowed_roles),
            source=ZHANHE,
            fact="role",
        )
        return Decision(rule="acceptance_signer", outcome="refused", reasons=(reason,), figures={"party": party})
    if party in FIRM_PARTIES:
        contracted = (project_firms.get(party) or "").strip()
        if not contracted:
            reason = Reason(
                code="no_contracted_firm",
                message=_("the project has no contracted firm recorded for %(party)s") % values,
                source=ZHANHE,
                fact="project_firms",
            )
            return Decision(rule="acceptance_signer", outcome="refused", reasons=(reason,), figures={"party": party})
        if not organisation.strip() or not _same_firm(organisation, contracted):
            reason = Reason(
                code="not_contracted_firm",
                message=_("%(organisation)s is not the firm contracted as %(party)s (%(firm)s)")
                % {**values, "organisation": organisation.strip() or "—", "firm": contracted},
                value=organisation,
                threshold=contracted,
                source=ZHANHE,
                fact="organisation",
            )
            return Decision(rule="acceptance_signer", outcome="refused", reasons=(reason,), figures={"party": party})
    reason = Reason(
        code="own_party",
        message=_("this user signs for %(party)s") % values,
        value=role,
        threshold=sorted(allowed_roles),
        source=ZHANHE,
        fact="role",
    )
    return Decision(rule="acceptance_signer", outcome="allowed", reasons=(reason,), figures={"party": party})


def _required(required_parties: Iterable[str]) -> tuple[str, ...]:
    wanted = list(required_parties)
    for party in wanted:
        _party(party, "required party")
    if not wanted:
        raise RuleInputError("a joint acceptance needs at least one required party")
    if len(set(wanted)) != len(wanted):
        raise RuleInputError("a party is listed twice among the required parties")
    return tuple(p for p in PARTIES if p in wanted)


def acceptance_decide(required_parties: Iterable[str], signatures: Mapping[str, str]) -> Decision:
    """passed / failed / open: one round of joint acceptance from the parties' verdicts.

    Zhanhe 001 (seeds/001_f6a39a551d1fc451.txt): 共同验收，对存在问题进行整改 — one party's 'fail' fails the round
    (its problems are rectified and a new round is held); the round passes when every required party has
    signed 'pass'; until then it is open. `signatures` maps party → verdict ("pass" / "fail"); only required
    parties sign.
    """
    required = _required(required_parties)
    for party, verdict in signatures.items():
        _party(party)
        if party not in required:
            raise RuleInputError(f"{party} is not a required party of this round")
        if verdict not in VERDICTS:
            raise RuleInputError(f"verdict must be 'pass' or 'fail', not {verdict!r}")
    failing = [p for p in required if signatures.get(p) == "fail"]
    passing = [p for p in required if signatures.get(p) == "pass"]
    missing = [p for p in required if p not in signatures]
    figures = {
        "required": list(required),
        "passing": passing,
        "failing": failing,
        "missing": missing,
        "signed": len(passing) + len(failing),
        "total": len(required),
    }
    names = {"parties": "、".join(_party_name(p) for p in failing or missing or passing)}
    if failing:
        reason = Reason(
            code="party_failed",
            message=_(
                "%(parties)s found the works not acceptable: the problems are rectified and acceptance is held again"
            )
            % names,
            value=len(failing),
            source=ZHANHE,
            numerator=len(failing),
            denominator=len(required),
        )
        return Decision(rule="joint_acceptance", outcome="failed", reasons=(reason,), figures=figures)
    if missing:
        reason = Reason(
            code="signatures_missing",
            message=_("%(signed)s of %(total)s parties have signed; still to sign: %(parties)s")
            % {**names, "signed": len(passing), "total": len(required)},
            value=len(passing),
            threshold=len(required),
            source=ZHANHE,
            numerator=len(passing),
            denominator=len(required),
        )
        return Decision(rule="joint_acceptance", outcome="open", reasons=(reason,), figures=figures)
    reason = Reason(
        code="all_passed",
        message=_("every required party (%(total)s) signed 'pass': the works are accepted") % {"total": len(required)},
        value=len(passing),
        threshold=len(required),
        source=ZHANHE,
        numerator=len(passing),
        denominator=len(required),
    )
    return Decision(rule="joint_acceptance", outcome="passed", reasons=(reason,), figures=figures)


@dataclass(frozen=True)
class RoundOutcome:
    """One acceptance round of one project: the project's key, the round number and its status."""

    project: str
    number: int
    status: str


def pass_rate(rounds: Sequence[RoundOutcome], policy: Policy) -> Decision:
    """The acceptance pass rate (验收合格率) of a set of projects against `projects.acceptance_pass_rate`.

    Guyuan draft plan (seeds/003_54d0b71b4a1e2a82.txt): 验收合格率达到100%. Defined here as the first-time pass
    rate: of the projects whose first joint acceptance has been decided (passed or failed), the share whose
    first round passed. Projects whose first round is still open are left out (not yet decided); a project
    that passed only after rectification counts as not passing first time. The share that passed in the end
    is given too (`eventual_share`). The rate meets the target when it is at least the parameter (exact
    fractions; "达到" includes the boundary). outcome: passed / failed, no_data when nothing is decided, and
    no_target when the profile sets no target.
    """
    first: dict[str, RoundOutcome] = {}
    finally_passed: set[str] = set()
    for item in rounds:
        if not isinstance(item, RoundOutcome):
            raise RuleInputError(f"rounds must be RoundOutcome values, not {item!r}")
        if isinstance(item.number, bool) or not isinstance(item.number, int) or item.number < 1:
            raise RuleInputError(f"round number must be a positive whole number, not {item.number!r}")
        if item.status not in ROUND_STATUSES:
            raise RuleInputError(f"round status must be one of {', '.join(ROUND_STATUSES)}, not {item.status!r}")
        seen = first.get(item.project)
        if seen is not None and seen.number == item.number:
            raise RuleInputError(f"project {item.project} has two rounds numbered {item.number}")
        if seen is None or item.number < seen.number:
            first[item.project] = item
        if item.status == "passed":
            finally_passed.add(item.project)
    decided = {key: r for key, r in first.items() if r.status != "open"}
    passed_first = sum(1 for r in decided.values() if r.status == "passed")
    eventual = sum(1 for key in decided if key in finally_passed)
    total = len(decided)
    rate = share(passed_first, total) if total else None
    figures: dict[str, object] = {
        "projects": len(first),
        "decided": total,
        "passed_first_time": passed_first,
        "passed_eventually": eventual,
        "rate": rate,
        "eventual_share": share(eventual, total) if total else None,
        "undecided": len(first) - total,
        "target": None,
    }
    if PASS_RATE_KEY not in policy:
        reason = Reason(
            code="no_target",
            message=_("the policy profile sets no acceptance pass rate (%(key)s)") % {"key": PASS_RATE_KEY},
            parameter=PASS_RATE_KEY,
            value=rate,
            source=GUYUAN,
            numerator=passed_first,
            denominator=total,
        )
        return Decision(rule="acceptance_pass_rate", outcome="no_target", reasons=(reason,), figures=figures)
    target = Fraction(policy.require(PASS_RATE_KEY))
    source = policy.source(PASS_RATE_KEY)
    figures["target"] = target
    if not total:
        reason = Reason(
            code="no_decided_round",
            message=_("no project has had its first joint acceptance decided yet"),
            parameter=PASS_RATE_KEY,
            threshold=target,
            source=source,
            numerator=0,
            denominator=0,
        )
        return Decision(rule="acceptance_pass_rate", outcome="no_data", reasons=(reason,), figures=figures)
    met = at_least(passed_first, total, target)
    values = {"passed": passed_first, "total": total, "rate": show(rate), "target": show(target)}
    message = (
        _(
            "%(passed)s of %(total)s projects passed their first joint acceptance (%(rate)s), at least the target %(target)s"
        )
        if met
        else _(
            "%(passed)s of %(total)s projects passed their first joint acceptance (%(rate)s), below the target %(target)s"
        )
    )
    reason = Reason(
        code="pass_rate_met" if met else "pass_rate_not_met",
        message=message % values,
        parameter=PASS_RATE_KEY,
        value=rate,
        threshold=target,
        source=source,
        numerator=passed_first,
        denominator=total,
    )
    return Decision(
        rule="acceptance_pass_rate", outcome="passed" if met else "failed", reasons=(reason,), figures=figures
    )


def satisfaction_summary(counts: Mapping[str, int]) -> Decision:
    """The residents' satisfaction: (satisfied + basically satisfied) / all answers, exactly.

    Zhanhe 001 (seeds/001_f6a39a551d1fc451.txt): projects are judged 看进度、看满意度; the survey's three answers are
    满意 / 基本满意 / 不满意. outcome: summarised, or no_answers when nobody has answered.
    """
    clean: dict[str, int] = {}
    for key, value in counts.items():
        if key not in ANSWERS:
            raise RuleInputError(f"answer must be one of {', '.join(ANSWERS)}, not {key!r}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RuleInputError(f"the count of {key} must be a whole number of at least 0, not {value!r}")
        clean[key] = value
    satisfied, basically, dissatisfied = (clean.get(a, 0) for a in ANSWERS)
    total = satisfied + basically + dissatisfied
    content = satisfied + basically
    figures: dict[str, object] = {
        "satisfied": satisfied,
        "basically": basically,
        "dissatisfied": dissatisfied,
        "total": total,
        "satisfied_share": share(content, total) if total else None,
        "shares": {a: share(clean.get(a, 0), total) for a in ANSWERS} if total else {},
    }
    if not total:
        reason = Reason(code="no_answers", message=_("no resident has answered the survey yet"), source=ZHANHE)
        return Decision(rule="satisfaction", outcome="no_answers", reasons=(reason,), figures=figures)
    reason = Reason(
        code="satisfaction_share",
        message=_(
            "%(content)s of %(total)s residents are satisfied or basically satisfied (%(share)s); "
            "%(dissatisfied)s dissatisfied"
        )
        % {"content": content, "total": total, "share": show(share(content, total)), "dissatisfied": dissatisfied},
        value=share(content, total),
        source=ZHANHE,
        numerator=content,
        denominator=total,
    )
    return Decision(rule="satisfaction", outcome="summarised", reasons=(reason,), figures=figures)
