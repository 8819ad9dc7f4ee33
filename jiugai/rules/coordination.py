"""Utility coordination on an estate and the answer deadline of residents' complaints about the works.

- Jiyuan reply to CPPCC proposal 105049 (seeds/000_f9b901b302fa6203.txt), 前期建设单位与管线单位工作对接不够:
  "组织各街道办事处与各专业管线单位成立了协调工作组，统一协调管线单位和其他施工企业之间的施工进度，科学安排各自
  施工时间，定期召开老旧小区改造工作碰头会" — one schedule per estate, so two works do not dig the same place at the
  same time (`task_clashes`), and works that wait for others are scheduled after them (`dependency_decide`).
- Jincheng reply to proposal TA00259 (seeds/004_391429ce0bbb685b.txt): "各管线工程施工涉及的路面开挖、恢复工程统一由
  各县（市、区）组织实施。老旧小区改造后不得随意破土施工" — excavation is organised once, not dug twice; and its answers
  to construction complaints (出行安全、施工噪音在居民休息时间停止大型机械作业、环境卫生).
- Guyuan 2022 plan (seeds/003_54d0b71b4a1e2a82.txt): each estate's mediation group (司法、公安、居委会、物业公司、企业)
  "协调解决项目实施中的与居民的矛盾纠纷" — complaints go to it and are answered by a deadline (`complaint_due`).

The seeds give no number of days for answering a complaint. `complaint_due` uses our own operating rule: a
safety complaint is answered by the end of the first working day after it was received, any other complaint by
the end of the third (the day of receipt is not counted, as for periods under Civil Code Art. 201). Both numbers
are parameters, so a jurisdiction can set its own.

Pure: no Django. Tasks are `TaskSpan`s; categories and statuses are the string values of the app's choices.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import chinese_calendar

from .decision import Decision, Reason, RuleInputError, Source
from .i18n import _

JIYUAN = Source(
    title="济源市住建局对市政协十届五次会议第105049号提案的答复",
    reference="seeds/000_f9b901b302fa6203.txt",
    jurisdiction="419001",
)
GUYUAN = Source(
    title="固原市区2022年老旧小区改造项目实施方案（征求意见稿）",
    reference="seeds/003_54d0b71b4a1e2a82.txt",
    jurisdiction="640402",
)
JINCHENG = Source(
    title="晋城市住建局对市政协七届六次会议第TA00259号提案的答复",
    reference="seeds/004_391429ce0bbb685b.txt",
    jurisdiction="140500",
)
OPERATING_RULE = Source(
    title="Jiugai operating rule for answering complaints (the seeds set no number of days)",
    reference="jiugai/rules/coordination.py",
)

# Parameter names (a policy profile may set them; the defaults below are our operating rule).
URGENT_DAYS_KEY = "projects.complaint_answer_days_urgent"
DAYS_KEY = "projects.complaint_answer_days"
URGENT_DAYS = 1
DAYS = 3
CATEGORIES = ("noise", "safety", "parking", "dust", "damage", "other")
URGENT_CATEGORIES = frozenset({"safety"})
TASK_STATUSES = ("planned", "in_progress", "done")
K = TypeVar("K", bound=Hashable)


# --- places and weeks -------------------------------------------------------------------------------


def place_key(text: str) -> str:
    """A place as compared: full-width folded to half-width, case folded, blanks and punctuation dropped, so
    that '北侧 道路', '北侧道路。' and '北侧道路' are the same place."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_label(day: dt.date) -> str:
    """The ISO week of a day, e.g. '2022-W12'."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def shared_weeks(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> tuple[str, ...]:
    """The ISO weeks two inclusive date ranges both touch (empty when none)."""
    first = max(_monday(a_start), _monday(b_start))
    last = min(_monday(a_end), _monday(b_end))
    weeks = []
    while first <= last:
        weeks.append(week_label(first))
        first += dt.timedelta(days=7)
    return tuple(weeks)


# --- tasks ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskSpan:
    """A utility's (or the main contractor's) work on an estate: where, when, whether it digs, what it waits for."""

    id: Hashable
    estate: Hashable
    place: str
    starts_on: dt.date
    ends_on: dt.date
    excavation: bool = False
    title: str = ""
    depends_on: tuple[Hashable, ...] = field(default_factory=tuple)
    status: str = "planned"

    def __post_init__(self) -> None:
        if not isinstance(self.starts_on, dt.date) or not isinstance(self.ends_on, dt.date):
            raise RuleInputError("starts_on and ends_on must be dates")
        if self.status not in TASK_STATUSES:
            raise RuleInputError(f"status must be one of {', '.join(TASK_STATUSES)}, not {self.status!r}")

    @property
    def label(self) -> str:
        return self.title or str(self.id)


@dataclass(frozen=True)
class Clash:
    """Two works at the same place of an estate in the same week, at least one of them digging."""

    first: Hashable
    second: Hashable
    place: str
    weeks: tuple[str, ...]
    reason: Reason


def task_clashes(tasks: Iterable[TaskSpan]) -> list[Clash]:
    """Every pair of tasks on the same estate and the same place (compared by `place_key`) whose date ranges
    share an ISO week, where at least one digs the ground (Jincheng 004: excavation organised once, never dug
    twice; Jiyuan 000: the coordination group schedules each party's time). Tasks with an unusable place never
    clash. A task whose dates are reversed is a `RuleInputError`.

    Sorted by the first task's start, then the second's; each pair appears once, the earlier-starting task first."""
    groups: dict[tuple[Hashable, str], list[TaskSpan]] = {}
    for task in tasks:
        if task.ends_on < task.starts_on:
            raise RuleInputError(f"task {task.id!r} ends before it starts")
        key = place_key(task.place)
        if key:
            groups.setdefault((task.estate, key), []).append(task)
    clashes: list[tuple[tuple[dt.date, dt.date, str, str], Clash]] = []
    for group in groups.values():
        group.sort(key=lambda t: (t.starts_on, t.ends_on, str(t.id)))
        for i, a in enumerate(group):
            last_monday = _monday(a.ends_on)
            for b in group[i + 1 :]:
                if _monday(b.starts_on) > last_monday:
                    break  # sorted by start: no later task reaches back into `a`'s weeks
                if not (a.excavation or b.excavation):
                    continue
                weeks = shared_weeks(a.starts_on, a.ends_on, b.starts_on, b.ends_on)
                reason = Reason(
                    code="same_place_same_week",
                    message=_(
                        "%(first)s and %(second)s both work at %(place)s in %(weeks)s, and at least one of them "
                        "digs the ground: schedule them in different weeks or dig once for both."
                    )
                    % {"first": a.label, "second": b.label, "place": a.place.strip(), "weeks": ", ".join(weeks)},
                    value=weeks,
                    fact="place",
                    source=JINCHENG,
                )
                clashes.append(
                    (
                        (a.starts_on, b.starts_on, str(a.id), str(b.id)),
                        Clash(a.id, b.id, a.place.strip(), weeks, reason),
                    )
                )
    clashes.sort(key=lambda pair: pair[0])
    return [clash for _key, clash in clashes]


def dependency_cycle(edges: Mapping[K, Iterable[K]]) -> tuple[K, ...] | None:
    """A cycle in 'task → tasks it depends on' as a path that returns to its start (a, b, a), or None.

    Iterative depth-first search, so long chains do not hit the recursion limit. Edges to unknown tasks are
    ignored here (`dependency_decide` reports them)."""
    graph = {node: list(targets) for node, targets in edges.items()}
    state: dict[K, int] = {}  # 1: on the current path, 2: finished
    for root in graph:
        if state.get(root):
            continue
        path: list[K] = [root]
        iters = [iter(graph[root])]
        state[root] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                return (*path[path.index(nxt) :], nxt)
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(graph[nxt]))
    return None


def dependency_decide(task: TaskSpan, tasks: Mapping[Any, TaskSpan]) -> Decision:
    """Whether `task` (with its new dates, status and dependencies) fits the schedule of the other tasks of its
    project (`tasks`, keyed by id; the task itself may be in it with its old values).

    Refused when: it ends before it starts; it depends on a task that is not in the project; the dependencies
    form a cycle (a task waiting, through others, for itself); it starts on or before the last day of a task it
    depends on (dates are whole days and the earlier work must be finished first: the earliest start is the day
    after); a task that depends on it would now start on or before its last day; or it is started or done while
    a task it depends on is not done. Jiyuan 000: the coordination group arranges each party's time."""
    reasons: list[Reason] = []
    others = {key: value for key, value in tasks.items() if key != task.id}
    if task.ends_on < task.starts_on:
        reasons.append(
            Reason(
                code="ends_before_start",
                message=_("The work ends (%(end)s) before it starts (%(start)s).")
                % {"end": task.ends_on.isoformat(), "start": task.starts_on.isoformat()},
                value=task.ends_on,
                threshold=task.starts_on,
                fact="ends_on",
            )
        )
    known = []
    for dep_id in task.depends_on:
        if dep_id == task.id:
            continue  # reported as a cycle below
        if dep_id not in others:
            reasons.append(
                Reason(
                    code="unknown_dependency",
                    message=_("The work it waits for (%(task)s) is not a task of this project.") % {"task": dep_id},
                    value=dep_id,
                    fact="depends_on",
                )
            )
        else:
            known.append(others[dep_id])
    edges: dict[Hashable, Iterable[Hashable]] = {key: value.depends_on for key, value in others.items()}
    edges[task.id] = task.depends_on
    cycle = dependency_cycle(edges)
    if cycle is not None:
        names = [task.label if node == task.id else others[node].label for node in cycle]
        reasons.append(
            Reason(
                code="cycle",
                message=_("The works would wait for each other in a circle: %(cycle)s.") % {"cycle": " → ".join(names)},
                value=cycle,
                fact="depends_on",
                source=JIYUAN,
            )
        )
    earliest = max((dep.ends_on for dep in known), default=None)
    for dep in known:
        if task.starts_on <= dep.ends_on:
            reasons.append(
                Reason(
                    code="starts_before_dependency",
                    message=_("It starts on %(start)s, but the work it waits for (%(task)s) ends on %(end)s.")
                    % {"start": task.starts_on.isoformat(), "task": dep.label, "end": dep.ends_on.isoformat()},
                    value=task.starts_on,
                    threshold=dep.ends_on,
                    fact="starts_on",
                    source=JIYUAN,
                )
            )
        if task.status in ("in_progress", "done") and dep.status != "done":
            reasons.append(
                Reason(
                    code="dependency_not_done",
                    message=_("It cannot be started or finished while the work it waits for (%(task)s) is not done.")
                    % {"task": dep.label},
                    value=dep.status,
                    fact="status",
                    source=JIYUAN,
                )
            )
    for other in sorted(others.values(), key=lambda t: (t.starts_on, str(t.id))):
        if task.id in other.depends_on and other.starts_on <= task.ends_on:
            reasons.append(
                Reason(
                    code="dependent_starts_before_end",
                    message=_("%(task)s waits for this work and starts on %(start)s, before it would end on %(end)s.")
                    % {"task": other.label, "start": other.starts_on.isoformat(), "end": task.ends_on.isoformat()},
                    value=other.starts_on,
                    threshold=task.ends_on,
                    fact="ends_on",
                    source=JIYUAN,
                )
            )
    figures = {"earliest_start": earliest + dt.timedelta(days=1) if earliest else None}
    if reasons:
        return Decision(rule="dependency", outcome="refused", reasons=tuple(reasons), figures=figures)
    ok = Reason(
        code="schedule_fits",
        message=_("The dates fit the works it waits for and the works waiting for it."),
        source=JIYUAN,
    )
    return Decision(rule="dependency", outcome="allowed", reasons=(ok,), figures=figures)


# --- complaints -------------------------------------------------------------------------------------


def is_workday(day: dt.date) -> bool:
    """A working day by the State Council's holiday arrangements (chinese-calendar, incl. swapped weekends);
    outside the years the calendar knows, Monday to Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def working_days_after(start: dt.date, days: int, workday: Callable[[dt.date], bool] = is_workday) -> dt.date:
    """The `days`-th working day after `start` (the start day itself is not counted)."""
    if days < 1:
        raise RuleInputError("days must be at least 1")
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if workday(day):
            counted += 1
    return day


def complaint_due(
    received_at: dt.datetime,
    category: str,
    *,
    urgent_days: int = URGENT_DAYS,
    days: int = DAYS,
    urgent_categories: Iterable[str] = URGENT_CATEGORIES,
    tz: dt.tzinfo | None = None,
    workday: Callable[[dt.date], bool] = is_workday,
    urgent_source: Source = OPERATING_RULE,
    days_source: Source = OPERATING_RULE,
) -> Decision:
    """When a residents' complaint must be answered: the end (23:59:59 local time) of the `urgent_days`-th working
    day after the day it was received for a safety complaint, of the `days`-th for any other (our operating rule:
    1 and 3 working days; the seeds set no number — Guyuan 003 routes complaints to the estate's mediation group,
    Jincheng 004 names the complaints: traffic safety, noise in rest hours, sanitation).

    `received_at` must be aware; `tz` is the local time zone the day is counted in (default: its own).
    Figures: `due_at` (aware datetime), `due_day`, `working_days`, `urgent`."""
    if not isinstance(received_at, dt.datetime) or received_at.tzinfo is None:
        raise RuleInputError("received_at must be an aware datetime")
    if category not in CATEGORIES:
        raise RuleInputError(f"category must be one of {', '.join(CATEGORIES)}, not {category!r}")
    for name, value in (("urgent_days", urgent_days), ("days", days)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RuleInputError(f"{name} must be a whole number of at least 1, not {value!r}")
    local = received_at.astimezone(tz) if tz is not None else received_at
    urgent = category in set(urgent_categories)
    n = urgent_days if urgent else days
    due_day = working_days_after(local.date(), n, workday)
    due_at = dt.datetime.combine(due_day, dt.time(23, 59, 59), tzinfo=local.tzinfo)
    reason = Reason(
        code="urgent_category" if urgent else "ordinary_category",
        message=(
            _("A safety complaint is answered within %(days)s working day(s): by the end of %(day)s.")
            if urgent
            else _("A complaint is answered within %(days)s working day(s): by the end of %(day)s.")
        )
        % {"days": n, "day": due_day.isoformat()},
        parameter=URGENT_DAYS_KEY if urgent else DAYS_KEY,
        threshold=n,
        value=category,
        fact="category",
        source=urgent_source if urgent else days_source,
    )
    return Decision(
        rule="complaint_due",
        outcome="due",
        reasons=(reason,),
        figures={"due_at": due_at, "due_day": due_day, "working_days": n, "urgent": urgent},
    )


def complaint_late(
    *, due_at: dt.datetime, answered_at: dt.datetime | None, now: dt.datetime, answered: bool = False
) -> bool:
    """Whether a complaint missed its answer deadline: answered after it, or still unanswered past it."""
    if answered_at is not None:
        return answered_at > due_at
    return not answered and now > due_at


def satisfaction_shares(counts: Mapping[str, int], answers: Sequence[str]) -> dict[str, float | None]:
    """Each answer's share of all answers, in percent with one decimal (None when nobody answered)."""
    total = sum(int(counts.get(a, 0)) for a in answers)
    return {a: (round(int(counts.get(a, 0)) * 100 / total, 1) if total else None) for a in answers}
