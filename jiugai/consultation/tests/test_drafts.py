"""Drafts put to public comment (Guyuan, seeds/003_54d0b71b4a1e2a82.txt): sections, the window, channels with
the required subject line, comments on sections, responses, and the summary published at the close."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from jiugai.accounts.choices import Role
from jiugai.consultation import selectors, services
from jiugai.consultation.models import DraftComment, DraftDocument
from jiugai.core.models import AuditEntry

SUBJECT = "固原市区2022年老旧小区改造项目实施方案（征求意见稿）"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def office(tree: Any, make_user: Any) -> Any:
    return make_user("district-office", Role.LEADING_GROUP_OFFICE, tree.district)


def guyuan_draft(office: Any, tree: Any, *, opens_at: dt.datetime | None = None, days: int = 20) -> DraftDocument:
    opens_at = opens_at or timezone.now() - dt.timedelta(hours=1)
    return services.draft_create(
        actor=office,
        jurisdiction=tree.district,
        title="固原市区2022年老旧小区改造项目实施方案",
        issuer="原州区综合执法局",
        introduction="现向社会公开征求意见。",
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(days=days),
        sections=[
            ("总体要求", "坚持循序渐进、重点改造。"),
            ("基本原则", "统筹谋划、严守政策规定。"),
            ("改造内容", "基础类、完善类、提升类。"),
        ],
        email="yzqcsglj@163.com",
        email_subject=SUBJECT,
        postal_address="宁夏固原市原州区综合执法局",
        postal_code="756000",
        letter_note=SUBJECT,
        contact_phone="0954-7290708",
    )


def close_window(draft: DraftDocument) -> None:
    """Move the window into the past (the comment period has run its course)."""
    now = timezone.now()
    DraftDocument.objects.filter(pk=draft.pk).update(
        opens_at=now - dt.timedelta(days=20), closes_at=now - dt.timedelta(minutes=1)
    )
    draft.refresh_from_db()


def test_draft_with_sections_comment_and_summary(office: Any, tree: Any) -> None:
    draft = guyuan_draft(office, tree)
    assert [s.heading for s in draft.sections.all()] == ["总体要求", "基本原则", "改造内容"]
    with pytest.raises(ValidationError):
        services.draft_comment_submit(draft=draft, text="尚未发布")  # not yet published
    services.draft_open(actor=office, draft=draft)
    section = draft.sections.get(number=3)
    on_section = services.draft_comment_submit(draft=draft, section=section, text="建议增加充电桩", client="1.2.3.4")
    whole = services.draft_comment_submit(draft=draft, text="建议延长征求意见期")
    letter = services.draft_comment_submit(
        actor=office, draft=draft, text="来信：增加无障碍设施", channel="post", section=section, name="马某"
    )
    assert on_section.section == section and whole.section is None and letter.channel == "post"

    with pytest.raises(ValidationError):
        services.draft_summary_publish(actor=office, draft=draft, summary="尚未截止")  # window still open
    close_window(draft)
    with pytest.raises(ValidationError):
        services.draft_comment_submit(draft=draft, text="已截止")
    with pytest.raises(ValidationError) as exc:
        services.draft_summary_publish(actor=office, draft=draft, summary="汇总")
    assert exc.value.code == "pending"
    client = Client()
    client.force_login(office)
    page = client.get(f"/consultation/drafts/{draft.pk}/").content.decode()
    assert "建议增加充电桩" in page and 'data-testid="draft-summary-publish"' in page
    services.draft_comment_respond(actor=office, comment=on_section, adoption="adopted", response="已采纳")
    with pytest.raises(ValidationError):
        services.draft_comment_respond(actor=office, comment=whole, adoption="not_adopted")  # reason needed
    services.draft_comment_respond(actor=office, comment=whole, adoption="not_adopted", response="期限由上级文件确定")
    services.draft_comment_respond(actor=office, comment=letter, adoption="partly", response="在有条件的小区实施")

    draft = services.draft_summary_publish(actor=office, draft=draft, summary="共收到意见3条，采纳1条。")
    assert draft.status == "summarised" and draft.summary_published_at is not None
    figures = draft.summary_figures
    assert figures is not None and figures["total"] == 3
    assert figures["by_adoption"]["adopted"] == 1 and figures["by_adoption"]["partly"] == 1
    assert figures["by_channel"] == {"online": 2, "post": 1}
    by_section = {row["section"]: row["counts"] for row in figures["sections"]}
    assert by_section["3. 改造内容"]["adopted"] == 1 and by_section["3. 改造内容"]["partly"] == 1
    assert AuditEntry.objects.filter(action="consultation.draft_summary_published").exists()
    with pytest.raises(ValidationError):
        services.draft_comment_respond(actor=office, comment=whole, adoption="adopted")  # final

    assert "共收到意见3条，采纳1条。" in client.get(f"/consultation/drafts/{draft.pk}/").content.decode()
    page = Client().get(f"/b/d/{draft.public_id}/").content.decode()
    assert "共收到意见3条，采纳1条。" in page and 'data-testid="draft-figures"' in page
    assert "马某" not in page and "draft-comment-form" not in page


def test_public_page_shows_channels_with_subject_line(office: Any, tree: Any) -> None:
    draft = guyuan_draft(office, tree)
    assert Client().get(f"/b/d/{draft.public_id}/").status_code == 404  # not yet published
    services.draft_open(actor=office, draft=draft)
    page = Client().get(f"/b/d/{draft.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "yzqcsglj@163.com" in html
    assert f'<strong data-testid="email-subject">{SUBJECT}</strong>' in html
    assert "宁夏固原市原州区综合执法局" in html and "756000" in html and "0954-7290708" in html
    assert "mailto:yzqcsglj@163.com?subject=" in html
    for heading in ("总体要求", "基本原则", "改造内容"):
        assert heading in html


def test_public_comment_on_section(office: Any, tree: Any) -> None:
    draft = guyuan_draft(office, tree)
    services.draft_open(actor=office, draft=draft)
    section = draft.sections.get(number=2)
    response = Client().post(
        f"/b/d/{draft.public_id}/", {"section": section.pk, "text": "建议公开资金使用情况", "contact": "13900002222"}
    )
    assert response.status_code == 302
    comment = DraftComment.objects.get()
    assert comment.section == section and comment.channel == "online" and comment.adoption == "pending"
    html = Client().get(response["Location"]).content.decode()
    assert "13900002222" not in html and 'data-testid="draft-sent"' in html


def test_public_draft_rate_limit(office: Any, tree: Any) -> None:
    draft = guyuan_draft(office, tree)
    services.draft_open(actor=office, draft=draft)
    public = Client()
    statuses = [public.post(f"/b/d/{draft.public_id}/", {"text": f"意见{n}"}).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]


def test_guyuan_window_by_dates_through_the_form(office: Any, tree: Any, client: Any) -> None:
    client.force_login(office)
    response = client.post(
        "/consultation/drafts/new/",
        {
            "jurisdiction": tree.district.pk,
            "title": "固原市区2022年老旧小区改造项目实施方案",
            "issuer": "原州区综合执法局",
            "opens_on": "2022-01-28",
            "closes_on": "2022-02-16",
            "day_count": "calendar",
            "sections": "一、总体要求\n坚持循序渐进。\n\n二、基本原则\n统筹谋划。",
            "email": "yzqcsglj@163.com",
            "email_subject": SUBJECT,
            "postal_address": "宁夏固原市原州区综合执法局",
            "postal_code": "756000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = DraftDocument.objects.get()
    assert timezone.localtime(draft.opens_at) == timezone.make_aware(dt.datetime(2022, 1, 28))
    assert selectors.last_day_of(draft.closes_at) == dt.date(2022, 2, 16)
    assert [(s.number, s.heading, s.body) for s in draft.sections.all()] == [
        (1, "一、总体要求", "坚持循序渐进。"),
        (2, "二、基本原则", "统筹谋划。"),
    ]
    assert client.get(f"/consultation/drafts/{draft.pk}/").status_code == 200
    # The window of 2022 is long past: it can no longer be opened for comment.
    client.post(f"/consultation/drafts/{draft.pk}/open/")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_window_in_working_days(office: Any, tree: Any) -> None:
    opens = timezone.make_aware(dt.datetime(2024, 3, 4, 9))
    draft = services.draft_create(
        actor=office,
        jurisdiction=tree.district,
        title="草案",
        issuer="区住建局",
        opens_at=opens,
        window_days=10,
        day_count="working",
        sections=[("一", "")],
    )
    assert selectors.last_day_of(draft.closes_at) == dt.date(2024, 3, 18)


def test_email_needs_subject_line(office: Any, tree: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.draft_create(
            actor=office,
            jurisdiction=tree.district,
            title="草案",
            issuer="区住建局",
            opens_at=timezone.now(),
            window_days=5,
            sections=[("一", "")],
            email="a@example.org",
        )
    assert "email_subject" in exc.value.message_dict


def test_scoping_and_api(office: Any, tree: Any, world: Any, client: Any) -> None:
    draft = guyuan_draft(office, tree)
    client.force_login(world.west)  # a street office sees its own subtree only
    assert client.get(f"/consultation/drafts/{draft.pk}/").status_code == 404
    client.force_login(office)
    response = client.post(
        "/api/v1/consultation/drafts/",
        {
            "jurisdiction": tree.district.pk,
            "title": "另一草案",
            "issuer": "区住建局",
            "opens_at": timezone.now().isoformat(),
            "window_days": 7,
            "day_count": "working",
            "sections": [{"heading": "一、范围", "body": "全区"}],
            "email": "x@example.org",
            "email_subject": "另一草案意见",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["sections"][0]["heading"] == "一、范围"
    assert client.post(f"/api/v1/consultation/drafts/{pk}/open/").json()["status"] == "open"
    section_id = response.json()["sections"][0]["id"]
    response = client.post(
        f"/api/v1/consultation/drafts/{pk}/comments/",
        {"section": section_id, "text": "来邮：建议扩大范围", "channel": "email"},
        content_type="application/json",
    )
    assert response.status_code == 201
    comment_id = response.json()["id"]
    response = client.post(
        f"/api/v1/consultation/drafts/{pk}/respond/",
        {"comment": comment_id, "adoption": "adopted"},
        content_type="application/json",
    )
    assert response.json()["adoption"] == "adopted"
    response = client.post(
        f"/api/v1/consultation/drafts/{pk}/summary/", {"summary": "汇总"}, content_type="application/json"
    )
    assert response.status_code == 400  # the window is still open
