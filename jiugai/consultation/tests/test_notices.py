"""Public notices (公示): the window from the policy profile in calendar or working days, comments and
objections within the window, the gate on unanswered objections, the poster PDF, scoping, the public page
and its rate limit, and the API."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from jiugai.accounts.choices import Role
from jiugai.consultation import selectors, services
from jiugai.consultation.models import NoticeComment
from jiugai.core.models import AuditEntry
from jiugai.core.workflow import Workflow
from jiugai.policy.services import policy_profile_create


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def seven_days(world: Any, tree: Any) -> None:
    """The district's profile sets a 7-day notice window."""
    policy_profile_create(
        jurisdiction=tree.district,
        effective_from=dt.date(2020, 1, 1),
        title="测试区",
        values={
            "consultation.notice_days": {"value": 7, "source_title": "测试区公示办法", "source_reference": "第5条"}
        },
    )


def local(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def make_notice(world: Any, **kwargs: Any) -> Any:
    values: dict[str, Any] = {
        "jurisdiction": world.estate.jurisdiction,
        "estate": world.estate,
        "title": "幸福小区改造设计方案公示",
        "content": "幸福小区改造设计方案已编制完成，现予公示。",
        "subject": "design",
        "subject_label": "幸福小区2024年改造设计方案",
        "issuer": "东街道办事处",
    }
    values.update(kwargs)
    return services.notice_create(actor=world.east, **values)


def open_notice(world: Any, **kwargs: Any) -> Any:
    notice = make_notice(world, **kwargs)
    return services.notice_publish(actor=world.east, notice=notice)


# --- the window -------------------------------------------------------------------------------------


def test_window_days_from_profile_in_calendar_days(world: Any, seven_days: None) -> None:
    notice = make_notice(world)
    assert notice.window_days == 7
    assert "consultation.notice_days = 7" in notice.days_source and "测试区" in notice.days_source
    published = services.notice_publish(actor=world.east, notice=notice, now=local(2024, 3, 4, 10))
    # Civil Code Art. 201: counting starts the day after publication; open until 24:00 of 2024-03-11.
    assert published.closes_at == local(2024, 3, 12)
    assert selectors.last_day_of(published.closes_at) == dt.date(2024, 3, 11)
    entry = AuditEntry.objects.filter(action="consultation.notice_published").last()
    assert entry is not None and entry.payload["window_days"] == 7


def test_window_in_working_days(world: Any, seven_days: None) -> None:
    notice = make_notice(world, day_count="working")
    published = services.notice_publish(actor=world.east, notice=notice, now=local(2024, 3, 4, 10))
    assert selectors.last_day_of(published.closes_at) == dt.date(2024, 3, 13)  # Tue-Fri, then Mon-Wed


@pytest.mark.parametrize(
    ("start", "days", "count", "last"),
    [
        # 2024-10-05 falls in the National Day holiday: the period ends on the next working day (Art. 203).
        (dt.date(2024, 9, 28), 7, "calendar", dt.date(2024, 10, 8)),
        # Working days follow the State Council arrangement: Sunday 09-29 and Saturday 10-12 were working days.
        (dt.date(2024, 9, 28), 7, "working", dt.date(2024, 10, 12)),
        (dt.date(2024, 3, 4), 1, "calendar", dt.date(2024, 3, 5)),
        (dt.date(2024, 3, 8), 1, "working", dt.date(2024, 3, 11)),
    ],
)
def test_window_last_day(start: dt.date, days: int, count: str, last: dt.date) -> None:
    assert selectors.window_last_day(start=start, days=days, day_count=count) == last


def test_unconfigured_window_needs_days(world: Any, english: None) -> None:
    with pytest.raises(ValidationError) as exc:
        make_notice(world)
    assert "give the number of days" in str(exc.value.message_dict["window_days"])
    notice = make_notice(world, window_days=5)
    assert notice.window_days == 5 and notice.days_source


def test_shorter_window_than_profile_refused(world: Any, seven_days: None, english: None) -> None:
    with pytest.raises(ValidationError) as exc:
        make_notice(world, window_days=3)
    assert "at least 7" in str(exc.value.message_dict["window_days"])
    assert make_notice(world, window_days=10).window_days == 10


# --- comments, objections and the gate --------------------------------------------------------------


def test_comment_after_window_refused(world: Any, seven_days: None) -> None:
    notice = make_notice(world)
    services.notice_publish(actor=world.east, notice=notice, now=timezone.now() - dt.timedelta(days=30))
    with pytest.raises(ValidationError) as exc:
        services.notice_comment_submit(notice=notice, kind="comment", text="晚了")
    assert exc.value.code == "closed"
    response = Client().post(f"/b/n/{notice.public_id}/", {"kind": "comment", "text": "晚了"})
    assert response.status_code == 410
    assert not NoticeComment.objects.exists()


def test_comment_on_draft_notice_refused(world: Any, seven_days: None) -> None:
    notice = make_notice(world)
    with pytest.raises(ValidationError):
        services.notice_comment_submit(notice=notice, kind="comment", text="还没公示")


def test_objection_blocks_gate_until_answered(world: Any, seven_days: None, english: None) -> None:
    notice = make_notice(world, subject_object=world.estate)
    published_at = timezone.now() - dt.timedelta(days=30)
    services.notice_publish(actor=world.east, notice=notice, now=published_at)
    objection = services.notice_comment_submit(
        notice=notice,
        kind="objection",
        text="设计方案没有考虑停车位",
        contact="13900001111",
        now=published_at + dt.timedelta(hours=2),
    )
    services.notice_comment_submit(notice=notice, kind="comment", text="支持", now=published_at + dt.timedelta(hours=3))
    notice.refresh_from_db()
    gate = selectors.notice_gate(notice)
    assert len(gate) == 1 and "1 objection" in gate[0]
    assert selectors.notice_gate(world.estate) == gate  # through the generic link
    flow = Workflow("test", "name").add(
        world.estate.name, "next", roles=[Role.STREET_OFFICE], gates=[selectors.notice_gate]
    )
    assert flow.blockers(world.estate, "next", world.east) == gate
    services.notice_comment_respond(actor=world.east, comment=objection, response="已增设20个车位，详见修改稿。")
    assert selectors.notice_gate(notice) == []
    assert flow.blockers(world.estate, "next", world.east) == []
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "consultation.notice_objection" in actions and "consultation.notice_objection_answered" in actions


def test_gate_while_open_and_without_notice(world: Any, seven_days: None, english: None) -> None:
    assert selectors.notice_gate(world.b1) == ["No public notice has been posted for this."]
    notice = make_notice(world, subject_object=world.b1)
    assert "not been published" in selectors.notice_gate(world.b1)[0]
    services.notice_publish(actor=world.east, notice=notice)
    gate = selectors.notice_gate(world.b1)
    assert len(gate) == 1 and "is open until" in gate[0]


def test_public_objection_needs_contact(world: Any, seven_days: None) -> None:
    notice = open_notice(world)
    with pytest.raises(ValidationError) as exc:
        services.notice_comment_submit(notice=notice, kind="objection", text="反对")
    assert "contact" in exc.value.message_dict


def test_staff_record_letter(world: Any, seven_days: None, client: Any) -> None:
    notice = open_notice(world)
    client.force_login(world.community)
    response = client.post(
        f"/consultation/notices/{notice.pk}/comments/",
        {"kind": "objection", "text": "来信：反对拆除车棚", "channel": "post", "name": "李四", "contact": ""},
    )
    assert response.status_code == 302
    comment = NoticeComment.objects.get()
    assert comment.channel == "post" and comment.entered_by == world.community
    response = client.post(
        f"/consultation/notices/{notice.pk}/comments/{comment.pk}/respond/", {"response": "车棚保留，原地翻新。"}
    )
    comment.refresh_from_db()
    assert comment.responded_at is not None and comment.responded_by == world.community
    page = client.get(f"/consultation/notices/{notice.pk}/").content.decode()
    assert "来信：反对拆除车棚" in page and "车棚保留，原地翻新。" in page and 'data-testid="notice-gate"' in page


# --- poster, pages, scoping ---------------------------------------------------------------------------


def test_poster_pdf(world: Any, seven_days: None, client: Any) -> None:
    notice = open_notice(world)
    client.force_login(world.east)
    response = client.get(f"/consultation/notices/{notice.pk}/poster.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(response.content)
        handle.flush()
        text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, check=True).stdout.decode()
    assert "幸福小区改造设计方案公示" in text
    assert notice.public_id in text.replace("\n", "")


def test_staff_pages(world: Any, seven_days: None, client: Any) -> None:
    client.force_login(world.east)
    response = client.post(
        "/consultation/notices/new/",
        {
            "jurisdiction": world.estate.jurisdiction.pk,
            "estate": world.estate.pk,
            "subject": "tender_price",
            "subject_label": "招标控制价",
            "title": "幸福小区改造工程招标控制价公示",
            "content": "控制价 3,245,000 元。",
            "day_count": "working",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = selectors.notice_list(user=world.east).get()
    assert notice.window_days == 7 and notice.day_count == "working"
    assert client.post(f"/consultation/notices/{notice.pk}/publish/").status_code == 302
    page = client.get(f"/consultation/notices/{notice.pk}/").content.decode()
    assert "招标控制价" in page and f"/b/n/{notice.public_id}/" in page
    assert client.get("/consultation/notices/").status_code == 200


def test_other_street_gets_404(world: Any, seven_days: None, client: Any) -> None:
    notice = open_notice(world)
    with pytest.raises(Http404):
        selectors.notice_get(user=world.west, pk=notice.pk)
    client.force_login(world.west)
    assert client.get(f"/consultation/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/consultation/notices/{notice.pk}/poster.pdf").status_code == 404
    assert client.post(f"/consultation/notices/{notice.pk}/publish/").status_code == 404
    assert client.get(f"/api/v1/consultation/notices/{notice.pk}/").status_code == 404


def test_public_page_and_no_personal_data(world: Any, seven_days: None) -> None:
    notice = open_notice(world)
    public = Client(enforce_csrf_checks=True)
    page = public.get(f"/b/n/{notice.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "幸福小区改造设计方案公示" in html and 'name="csrfmiddlewaretoken"' in html
    token = page.cookies["csrftoken"].value
    assert public.post(f"/b/n/{notice.public_id}/", {"kind": "comment", "text": "好"}).status_code == 403  # CSRF
    response = public.post(
        f"/b/n/{notice.public_id}/",
        {
            "kind": "objection",
            "text": "车棚不能拆",
            "name": "张三丰",
            "contact": "13900001111",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    html = public.get(response["Location"]).content.decode()
    assert "张三丰" not in html and "13900001111" not in html and "车棚不能拆" not in html
    assert 'data-testid="notice-sent"' in html
    comment = NoticeComment.objects.get()
    assert comment.channel == "online" and comment.client_hash and "127.0.0.1" not in comment.client_hash


def test_unpublished_notice_not_public(world: Any, seven_days: None) -> None:
    notice = make_notice(world)
    assert Client().get(f"/b/n/{notice.public_id}/").status_code == 404
    assert Client().get("/b/n/nonexistent/").status_code == 404


def test_public_rate_limit(world: Any, seven_days: None) -> None:
    notice = open_notice(world)
    public = Client()
    statuses = [
        public.post(f"/b/n/{notice.public_id}/", {"kind": "comment", "text": f"意见{n}"}).status_code for n in range(7)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
    assert NoticeComment.objects.count() == 5
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(f"/b/n/{notice.public_id}/", {"kind": "comment", "text": "另一位"}).status_code == 302


# --- API ---------------------------------------------------------------------------------------------


def test_api_notice_lifecycle(world: Any, seven_days: None, client: Any) -> None:
    client.force_login(world.east)
    response = client.post(
        "/api/v1/consultation/notices/",
        {
            "jurisdiction": world.estate.jurisdiction.pk,
            "estate": world.estate.pk,
            "subject": "owners_list",
            "subject_label": "业主名单",
            "object_type": "inventory.estate",
            "object_id": str(world.estate.pk),
            "title": "业主名单公示",
            "content": "名单见附件。",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["window_days"] == 7 and data["object_type"] == "inventory.estate"
    pk = data["id"]
    assert client.post(f"/api/v1/consultation/notices/{pk}/publish/").json()["status"] == "published"
    response = client.post(
        f"/api/v1/consultation/notices/{pk}/comments/",
        {"kind": "objection", "text": "名单漏了302室", "channel": "in_person", "name": "王五"},
        content_type="application/json",
    )
    assert response.status_code == 201
    comment_id = response.json()["id"]
    gate = client.get(f"/api/v1/consultation/notices/{pk}/gate/").json()
    assert gate["open"] is False and len(gate["unmet"]) == 2
    response = client.post(
        f"/api/v1/consultation/notices/{pk}/respond/",
        {"comment": comment_id, "response": "已补充。"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["response"] == "已补充。"
    assert len(client.get(f"/api/v1/consultation/notices/{pk}/gate/").json()["unmet"]) == 1  # window still open
    client.force_login(world.west)
    assert client.get("/api/v1/consultation/notices/").json()["count"] == 0


def test_api_unconfigured_window_error_shape(world: Any, client: Any) -> None:
    client.force_login(world.east)
    response = client.post(
        "/api/v1/consultation/notices/",
        {
            "jurisdiction": world.estate.jurisdiction.pk,
            "subject": "plan",
            "subject_label": "方案",
            "title": "方案公示",
            "content": "见附件",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "window_days" in str(response.json())
