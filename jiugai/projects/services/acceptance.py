"""Writes for quality and acceptance: inspections and their defects, rectification, joint acceptance signed by
each party, the handover agreement, the archive, the final accounts, the residents' satisfaction survey and the
post-evaluation.

Zhanhe 001 (seeds/001_f6a39a551d1fc451.txt), 工程验收阶段: "由业主单位组织街道办事处、业主委员会（或业主代表）和施工、
设计、监理等单位共同验收，对存在问题进行整改，保证工程质量，确保改造提质一个、合格一个、交付一个"; 后评价: "对竣工移交的
改造提质项目进行决算评估 … 做好项目资料的存档管理，并配合上级有关部门的督导检查和审计". Guyuan 003
(seeds/003_54d0b71b4a1e2a82.txt): "验收合格率达到100%"; "对验收合格的小区，同步移交属地街道办事处，纳入社区管理".

Keyword-only, atomic, validated with `full_clean()`; bad input raises a translated `ValidationError` and changes
nothing. Opening and signing acceptance, its outcome, reopening, handover, final accounts and the
post-evaluation are audited.

Reopening (defects found later): a defect recorded while the project still awaits handover (stage
`acceptance`) and its latest joint acceptance had passed marks that round failed again and clears
`Project.accepted_on`, so handover waits for the defect to be rectified and a new round to pass. After handover
a defect is a warranty defect: it is recorded and rectified, but the acceptance that the handover relied on stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from jiugai.core.audit import audit_entry_append
from jiugai.core.permissions import require
from jiugai.funding.services import money
from jiugai.rules.acceptance import acceptance_decide, signer_may_sign

from ..choices import (
    AcceptanceStatus,
    ArchiveKind,
    DefectStatus,
    FinalAccountStatus,
    InspectionKind,
    Party,
    Receiver,
    Satisfaction,
    Stage,
    Verdict,
)
from ..models import (
    AcceptanceRound,
    AcceptanceSignature,
    ArchiveItem,
    Defect,
    FinalAccount,
    Handover,
    Inspection,
    PostEvaluation,
    Project,
    SatisfactionResponse,
)
from ..selectors import acceptance as sel
from .common import DOCUMENT_EXTENSIONS, DOCUMENT_MAX_BYTES, file_check, not_future, within

# Inspections and defects belong to the works: from the start of construction until close-out.
INSPECTION_STAGES = (Stage.CONSTRUCTION, Stage.ACCEPTANCE, Stage.HANDED_OVER)
# Final accounts are drawn up once the works are complete (Zhanhe 001: 对竣工移交的项目进行决算评估).
FINAL_ACCOUNT_STAGES = (Stage.ACCEPTANCE, Stage.HANDED_OVER)
# Residents judge the result once the estate is handed over (Zhanhe 001: 看满意度).
SURVEY_STAGES = (Stage.HANDED_OVER, Stage.CLOSED)
# Time given to rectify a problem a party found at acceptance when no date is named (a month, the usual term).
DEFAULT_RECTIFY_DAYS = 30
TEXT_LIMIT = 2000
COMMENT_LIMIT = 500


def _text(value: Any, *, field: str, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("Please keep it under %(limit)d characters.") % {"limit": limit}]})
    return text


def _date(value: Any, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value)) if isinstance(value, str) and value.strip() else None
    if parsed is None:
        raise ValidationError({field: [_("Enter a valid date.")]})
    return parsed


def _stage_in(project: Project, stages: Iterable[str], *, field: str = "project") -> None:
    allowed = [str(s) for s in stages]
    if project.stage not in allowed:
        raise ValidationError(
            {
                field: [
                    _("Not possible while the project is “%(stage)s”; it must be: %(stages)s.")
                    % {
                        "stage": Stage(project.stage).label,
                        "stages": "、".join(str(Stage(s).label) for s in allowed),
                    }
                ]
            }
        )


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _reach(actor: Any, project: Project) -> None:
    """Staff of the project's jurisdiction, or (owners' committee) of one of its estates."""
    if not sel.user_reaches(actor, project):
        raise PermissionDenied(_("You may not change projects outside your jurisdiction."))


def _reopen_if_passed(*, actor: Any, project: Project, defect: Defect) -> AcceptanceRound | None:
    """A defect found before handover undoes a passed acceptance (see the module docstring)."""
    if project.stage != Stage.ACCEPTANCE:
        return None
    last = AcceptanceRound.objects.select_for_update().filter(project=project).order_by("-number").first()
    if last is None or last.status != AcceptanceStatus.PASSED:
        return None
    last.status = AcceptanceStatus.FAILED
    last.full_clean()
    last.save(update_fields=["status", "updated_at"])
    Project.objects.filter(pk=project.pk).update(accepted_on=None)
    project.accepted_on = None
    audit_entry_append(
        action="projects.acceptance.reopened",
        obj=project,
        actor=actor,
        payload={"round": last.number, "defect": defect.pk, "problem": defect.description[:200]},
    )
    return last


# --- inspections and defects ----------------------------------------------------------------------------


def _defect_rows(rows: Iterable[Mapping[str, Any]], *, not_before: dt.date) -> list[dict[str, Any]]:
    """Clean the defects an inspection found; every row's error names its row number."""
    clean = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise ValidationError({"defects": [_("Row %(row)d: not a defect.") % {"row": n}]})
        description = str(row.get("description") or "").strip()
        if not description:
            raise ValidationError({"defects": [_("Row %(row)d: describe the problem.") % {"row": n}]})
        if len(description) > TEXT_LIMIT:
            raise ValidationError({"defects": [_("Row %(row)d: the description is too long.") % {"row": n}]})
        try:
            due_on = _date(row.get("due_on"), field="defects")
        except ValidationError:
            raise ValidationError({"defects": [_("Row %(row)d: give the date to rectify by.") % {"row": n}]}) from None
        if due_on < not_before:
            raise ValidationError(
                {"defects": [_("Row %(row)d: the date to rectify by is before the inspection.") % {"row": n}]}
            )
        place = str(row.get("place") or "").strip()[:200]
        clean.append({"description": description, "place": place, "due_on": due_on})
    return clean


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    project: Project,
    kind: str,
    held_on: dt.date,
    inspector: str,
    findings: str = "",
    defects: Iterable[Mapping[str, Any]] = (),
) -> Inspection:
    """Record a quality or safety inspection of the works with the defects it found (each to be rectified by
    a date). Guyuan 003: 对重点部位和重点环节的质量安全进行监督检查，及时发现质量问题 … 及时处理处置."""
    require(actor, "projects.inspect")
    within(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _stage_in(project, INSPECTION_STAGES)
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": [_("Unknown kind of inspection.")]})
    held_on = _date(held_on, field="held_on")
    not_future(held_on, field="held_on")
    if project.started_on and held_on < project.started_on:
        raise ValidationError({"held_on": [_("The inspection is dated before the works started.")]})
    rows = _defect_rows(defects, not_before=held_on)
    inspection = Inspection(
        project=project,
        kind=kind,
        held_on=held_on,
        inspector=_text(inspector, field="inspector", limit=200),
        findings=_text(findings, field="findings", required=False),
    )
    inspection.full_clean()
    inspection.save()
    for row in rows:
        defect = Defect(project=project, inspection=inspection, **row)
        defect.full_clean()
        defect.save()
        _reopen_if_passed(actor=actor, project=project, defect=defect)
    return inspection


@transaction.atomic
def defect_add(
    *,
    actor: Any,
    project: Project,
    description: str,
    due_on: dt.date,
    place: str = "",
    inspection: Inspection | None = None,
) -> Defect:
    """Put a problem on the rectification list (整改清单). Found before handover after the latest joint
    acceptance passed, it reopens that acceptance: the round is marked failed again (module docstring)."""
    require(actor, "projects.inspect")
    within(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _stage_in(project, INSPECTION_STAGES)
    if inspection is not None and inspection.project_id != project.pk:
        raise ValidationError({"inspection": [_("This inspection belongs to another project.")]})
    due_on = _date(due_on, field="due_on")
    found_on = inspection.held_on if inspection is not None else project.started_on
    if found_on is not None and due_on < found_on:
        raise ValidationError({"due_on": [_("The date to rectify by is before the problem was found.")]})
    defect = Defect(
        project=project,
        inspection=inspection,
        description=_text(description, field="description"),
        place=_text(place, field="place", required=False, limit=200),
        due_on=due_on,
    )
    defect.full_clean()
    defect.save()
    _reopen_if_passed(actor=actor, project=project, defect=defect)
    return defect


@transaction.atomic
def defect_close(*, actor: Any, defect: Defect, rectification: str, closed_on: dt.date | None = None) -> Defect:
    """Close a defect once its rectification has been checked: what was done, when, by whom (audited)."""
    require(actor, "projects.inspect")
    defect = Defect.objects.select_for_update().get(pk=defect.pk)
    within(actor, defect.project)
    if defect.status != DefectStatus.OPEN:
        raise ValidationError({"status": [_("This defect has already been closed.")]})
    closed_on = _date(closed_on, field="closed_on") if closed_on is not None else timezone.localdate()
    not_future(closed_on, field="closed_on")
    found_on = (defect.inspection.held_on if defect.inspection is not None else None) or (
        defect.acceptance.held_on if defect.acceptance is not None else None
    )
    if found_on is not None and closed_on < found_on:
        raise ValidationError({"closed_on": [_("The rectification is dated before the defect was found.")]})
    defect.rectification = _text(rectification, field="rectification")
    defect.status = DefectStatus.CLOSED
    defect.closed_on = closed_on
    defect.closed_by = _actor_user(actor)
    defect.full_clean()
    defect.save()
    audit_entry_append(
        action="projects.defect.close",
        obj=defect.project,
        actor=actor,
        payload={"defect": defect.pk, "closed_on": closed_on.isoformat()},
    )
    return defect


# --- joint acceptance -----------------------------------------------------------------------------------


@transaction.atomic
def acceptance_open(
    *, actor: Any, project: Project, held_on: dt.date, required_parties: Iterable[str] | None = None
) -> AcceptanceRound:
    """Open a round of joint acceptance (联合验收) for a project awaiting acceptance. By default every party of
    Zhanhe 001 signs; a profile like Guyuan 003 may name fewer. Refused while another round is open or after
    the latest round passed (audited)."""
    require(actor, "projects.manage")
    within(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _stage_in(project, [Stage.ACCEPTANCE])
    held_on = _date(held_on, field="held_on")
    not_future(held_on, field="held_on")
    if project.completed_on and held_on < project.completed_on:
        raise ValidationError({"held_on": [_("Acceptance cannot be held before the works were completed.")]})
    parties = list(Party.values) if required_parties is None else list(required_parties)
    unknown = [p for p in parties if p not in Party.values]
    if unknown:
        raise ValidationError({"required_parties": [_("Unknown party: %(party)s.") % {"party": unknown[0]}]})
    if not parties:
        raise ValidationError({"required_parties": [_("Name at least one party that must sign.")]})
    if len(set(parties)) != len(parties):
        raise ValidationError({"required_parties": [_("A party is named twice.")]})
    last = sel.latest_round(project)
    if last is not None and last.status == AcceptanceStatus.OPEN:
        raise ValidationError({"round": [_("Round %(n)d is still open for signatures.") % {"n": last.number}]})
    if last is not None and last.status == AcceptanceStatus.PASSED:
        raise ValidationError({"round": [_("The project has already passed joint acceptance.")]})
    if last is not None and held_on < last.held_on:
        raise ValidationError({"held_on": [_("A new round cannot be dated before the previous one.")]})
    number = (AcceptanceRound.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1
    rnd = AcceptanceRound(
        project=project,
        number=number,
        held_on=held_on,
        required_parties=[p for p in Party.values if p in parties],
        status=AcceptanceStatus.OPEN,
    )
    rnd.full_clean()
    rnd.save()
    audit_entry_append(
        action="projects.acceptance.open",
        obj=project,
        actor=actor,
        payload={"round": number, "held_on": held_on.isoformat(), "parties": rnd.required_parties},
    )
    return rnd


@transaction.atomic
def acceptance_sign(
    *,
    actor: Any,
    round: AcceptanceRound,  # one round of joint acceptance (验收轮次); shadows the builtin, unused here
    party: str,
    verdict: str,
    note: str = "",
    due_on: dt.date | None = None,
) -> AcceptanceSignature:
    """One party signs a round of joint acceptance, for itself only (the rule `signer_may_sign`: the party's role,
    and for a firm the firm the project contracted). A 'fail' must say what is wrong: it puts that on the
    rectification list (due `due_on`, a month by default) and fails the round. When every required party has
    signed 'pass' the round passes and the project is accepted on the round's date. Audited."""
    require(actor, "projects.sign_acceptance")
    rnd = AcceptanceRound.objects.select_for_update().select_related("project").get(pk=round.pk)
    project = rnd.project
    _reach(actor, project)
    if party not in Party.values:
        raise ValidationError({"party": [_("Unknown party.")]})
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": [_("Choose pass or fail.")]})
    if rnd.status != AcceptanceStatus.OPEN:
        raise ValidationError(
            {"round": [_("Round %(n)d is closed: %(status)s.") % {"n": rnd.number, "status": rnd.get_status_display()}]}
        )
    if party not in rnd.required_parties:
        raise ValidationError({"party": [_("%(party)s does not sign this round.") % {"party": Party(party).label}]})
    firms = sel.project_firms(project)
    decision = signer_may_sign(party, actor.role, actor.organisation or "", firms)
    if not decision.passed:
        raise PermissionDenied(
            _("You may not sign for %(party)s: %(reason)s.")
            % {"party": Party(party).label, "reason": "; ".join(r.message for r in decision.reasons)}
        )
    if AcceptanceSignature.objects.filter(round=rnd, party=party).exists():
        raise ValidationError(
            {"party": [_("%(party)s has already signed this round.") % {"party": Party(party).label}]}
        )
    note = _text(note, field="note", required=verdict == Verdict.FAIL)
    due = timezone.localdate() + dt.timedelta(days=DEFAULT_RECTIFY_DAYS)
    if verdict == Verdict.FAIL:
        if due_on is not None:
            due = _date(due_on, field="due_on")
        if due < rnd.held_on:
            raise ValidationError({"due_on": [_("The date to rectify by is before the acceptance.")]})
    signature = AcceptanceSignature(
        round=rnd,
        party=party,
        verdict=verdict,
        signer=actor,
        signer_name=(actor.get_full_name() or actor.username)[:150],
        organisation=(actor.organisation or "")[:200],
        note=note,
    )
    signature.full_clean()
    signature.save()
    if verdict == Verdict.FAIL:
        defect = Defect(
            project=project,
            acceptance=rnd,
            description=note,
            place=str(Party(party).label)[:200],
            due_on=due,
        )
        defect.full_clean()
        defect.save()
    outcome = acceptance_decide(rnd.required_parties, dict(rnd.signatures.values_list("party", "verdict")))
    audit_entry_append(
        action="projects.acceptance.sign",
        obj=project,
        actor=actor,
        payload={"round": rnd.number, "party": party, "verdict": verdict, "outcome": outcome.outcome},
    )
    if outcome.outcome in (AcceptanceStatus.PASSED, AcceptanceStatus.FAILED):
        rnd.status = outcome.outcome
        rnd.full_clean()
        rnd.save(update_fields=["status", "updated_at"])
        if rnd.status == AcceptanceStatus.PASSED:
            Project.objects.filter(pk=project.pk).update(accepted_on=rnd.held_on)
        audit_entry_append(
            action=f"projects.acceptance.{rnd.status}",
            obj=project,
            actor=actor,
            payload={"round": rnd.number, "decision": outcome.as_dict()},
        )
    round.status = rnd.status
    return signature


# --- handover, archive, final accounts ------------------------------------------------------------------


@transaction.atomic
def handover_record(
    *,
    actor: Any,
    project: Project,
    receiver_kind: str,
    receiver_name: str,
    signed_on: dt.date,
    terms: str = "",
    document: Any = None,
) -> Handover:
    """Record the handover agreement (移交协议) that gives the accepted estate to the property company, the owners'
    committee or the street office and community (Guyuan 003: 对验收合格的小区，同步移交属地街道办事处). Only after the
    latest joint acceptance passed; audited. Moving the project to 'handed over' is `project_advance`."""
    require(actor, "projects.handover")
    within(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _stage_in(project, [Stage.ACCEPTANCE])
    if Handover.objects.filter(project=project).exists():
        raise ValidationError({"project": [_("A handover agreement has already been recorded.")]})
    last = sel.latest_round(project)
    if last is None or last.status != AcceptanceStatus.PASSED:
        raise ValidationError({"project": [_("The estate is handed over only after joint acceptance has passed.")]})
    if receiver_kind not in Receiver.values:
        raise ValidationError({"receiver_kind": [_("Unknown receiver.")]})
    signed_on = _date(signed_on, field="signed_on")
    not_future(signed_on, field="signed_on")
    if signed_on < last.held_on:
        raise ValidationError({"signed_on": [_("The agreement cannot be signed before the acceptance.")]})
    if document is not None:
        file_check(document, field="document", extensions=DOCUMENT_EXTENSIONS, max_bytes=DOCUMENT_MAX_BYTES)
    handover = Handover(
        project=project,
        receiver_kind=receiver_kind,
        receiver_name=_text(receiver_name, field="receiver_name", limit=200),
        signed_on=signed_on,
        terms=_text(terms, field="terms", required=False),
    )
    if document is not None:
        handover.document = document
    handover.full_clean()
    handover.save()
    audit_entry_append(
        action="projects.handover",
        obj=project,
        actor=actor,
        payload={
            "receiver_kind": receiver_kind,
            "receiver": handover.receiver_name,
            "signed_on": signed_on.isoformat(),
        },
    )
    return handover


@transaction.atomic
def archive_add(*, actor: Any, project: Project, kind: str, document: Any, title: str = "") -> ArchiveItem:
    """File a document in the project archive (档案); close-out needs one of every kind (Zhanhe 001:
    做好项目资料的存档管理). A closed project's archive is final."""
    require(actor, "projects.archive")
    within(actor, project)
    if project.stage == Stage.CLOSED:
        raise ValidationError({"project": [_("The project is closed out; its archive is final.")]})
    if kind not in ArchiveKind.values:
        raise ValidationError({"kind": [_("Unknown kind of document.")]})
    if document is None:
        raise ValidationError({"document": [_("Choose a file.")]})
    file_check(document, field="document", extensions=DOCUMENT_EXTENSIONS, max_bytes=DOCUMENT_MAX_BYTES)
    item = ArchiveItem(
        project=project,
        kind=kind,
        title=_text(title, field="title", required=False, limit=200) or str(ArchiveKind(kind).label),
        uploaded_by=_actor_user(actor),
    )
    item.document = document
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def final_account_record(
    *,
    actor: Any,
    project: Project,
    final_amount: Any,
    status: str = FinalAccountStatus.DRAFT,
    auditor: str = "",
    audited_on: dt.date | str | None = None,
    note: str = "",
) -> FinalAccount:
    """Draw up or correct the final accounts (决算) against the contracts and their approved variations (computed,
    not entered), and record the audit (Zhanhe 001: 决算评估 … 审计). Audited accounts are final; audited."""
    require(actor, "projects.final_accounts")
    within(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _stage_in(project, FINAL_ACCOUNT_STAGES)
    if status not in FinalAccountStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    account = FinalAccount.objects.select_for_update().filter(project=project).first()
    if account is not None and account.status == FinalAccountStatus.AUDITED:
        raise ValidationError({"status": [_("The final accounts have been audited and can no longer be changed.")]})
    amount = money(final_amount, field="final_amount", allow_zero=True)
    auditor = _text(auditor, field="auditor", required=False, limit=200)
    day: dt.date | None = None
    if status == FinalAccountStatus.AUDITED:
        if not auditor:
            raise ValidationError({"auditor": [_("Name who audited the final accounts.")]})
        if audited_on is None or audited_on == "":
            raise ValidationError({"audited_on": [_("Give the date of the audit.")]})
        day = _date(audited_on, field="audited_on")
        not_future(day, field="audited_on")
    totals = sel.final_account_totals(project)
    if account is None:
        account = FinalAccount(project=project, final_amount=amount)
    account.contract_total = totals["contract_total"]
    account.variations_total = totals["variations_total"]
    account.final_amount = amount
    account.status = status
    account.auditor = auditor
    account.audited_on = day
    account.note = _text(note, field="note", required=False)
    account.full_clean()
    account.save()
    audit_entry_append(
        action="projects.final_accounts",
        obj=project,
        actor=actor,
        payload={
            "status": status,
            "final_amount": str(amount),
            "contract_total": str(account.contract_total),
            "variations_total": str(account.variations_total),
            "auditor": auditor,
        },
    )
    return account


# --- residents' satisfaction and the post-evaluation ----------------------------------------------------


def respondent_hash(raw: str) -> str:
    """What is kept of a respondent's cookie or client id: a hash, enough to stop a second answer."""
    return hashlib.sha256(f"projects.survey:{raw}".encode()).hexdigest()


@transaction.atomic
def satisfaction_answer(
    *, project: Project, answer: str, respondent_key: str, comment: str = ""
) -> SatisfactionResponse:
    """A resident answers the satisfaction survey (满意 / 基本满意 / 不满意) without an account: once per respondent
    (`respondent_key`, a cookie value or client id, kept only as a hash), and only once the estate is handed over
    (Zhanhe 001: 看满意度). The public page limits how often one client may post."""
    if project.stage not in SURVEY_STAGES:
        raise ValidationError({"project": [_("The survey opens when the renovated estate has been handed over.")]})
    if answer not in Satisfaction.values:
        raise ValidationError({"answer": [_("Choose one of the three answers.")]})
    raw = str(respondent_key or "").strip()
    if not raw or len(raw) > 200:
        raise ValidationError({"respondent_key": [_("The survey could not recognise this phone; please try again.")]})
    key = respondent_hash(raw)
    if SatisfactionResponse.objects.filter(project=project, respondent_key=key).exists():
        raise ValidationError({"answer": [_("You have already answered this survey. Thank you.")]})
    response = SatisfactionResponse(
        project=project,
        answer=answer,
        comment=_text(comment, field="comment", required=False, limit=COMMENT_LIMIT),
        respondent_key=key,
    )
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:  # the same phone answering twice at the same moment
        raise ValidationError({"answer": [_("You have already answered this survey. Thank you.")]}) from None
    return response


@transaction.atomic
def evaluation_record(
    *, actor: Any, project: Project, summary: str, evaluated_on: dt.date | None = None
) -> PostEvaluation:
    """Record the post-evaluation (后评价) of a handed-over project with the satisfaction figures of the day,
    summarised by the rule (exact shares). Zhanhe 001: 总结经验、查找不足; close-out waits for it. Audited."""
    require(actor, "projects.evaluate")
    within(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _stage_in(project, [Stage.HANDED_OVER])
    if PostEvaluation.objects.filter(project=project).exists():
        raise ValidationError({"project": [_("The post-evaluation has already been recorded.")]})
    day = _date(evaluated_on, field="evaluated_on") if evaluated_on is not None else timezone.localdate()
    not_future(day, field="evaluated_on")
    if project.handed_over_on and day < project.handed_over_on:
        raise ValidationError({"evaluated_on": [_("The evaluation cannot be dated before the handover.")]})
    decision = sel.satisfaction_figures(project)
    evaluation = PostEvaluation(
        project=project,
        evaluated_on=day,
        summary=_text(summary, field="summary"),
        figures=decision.as_dict(),
    )
    evaluation.full_clean()
    evaluation.save()
    audit_entry_append(
        action="projects.evaluation",
        obj=project,
        actor=actor,
        payload={"evaluated_on": day.isoformat(), "satisfaction": decision.as_dict()["figures"]},
    )
    return evaluation
