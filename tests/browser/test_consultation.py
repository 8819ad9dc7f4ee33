"""A consent campaign end to end: staff open it and print QR slips, a resident votes on a phone, staff enter a
paper ballot with its scan, the tally crosses 2/3, close and decide says passed, the certificate downloads.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from jiugai.accounts.choices import Role
from jiugai.consultation import services
from jiugai.consultation.choices import Answer
from jiugai.consultation.models import Ballot, Campaign, Tally
from jiugai.inventory.services import building_create, household_create
from jiugai.policy.services import policy_profile_create

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# Seven households: three agree beforehand (42.9%), the phone ballot makes four (57.1%, still below 2/3 of 7),
# the paper ballot five (71.4%): the paper ballot is the one that crosses Xuchang's 2/3.
HOUSEHOLDS = 7
AGREE_BEFORE = 3
PHONE_NUMBER = "13912345678"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


@pytest.fixture
def draft(tree: Any, make_user: Any, make_estate: Any, media: Path) -> dict[str, Any]:
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2020, 1, 1),
        title="测试市",
        values={
            "consent.share_of_all_households": {
                "value": "2/3",
                "source_title": "许昌市答复市人大代表第67号建议",
                "source_reference": "seeds/002_40d8e389fe8940d7.txt",
            }
        },
    )
    staff = make_user("east", Role.STREET_OFFICE, tree.street_a, full_name="东街道办")
    estate = make_estate("幸福小区", tree.community_a, tree.street_a)
    building = building_create(estate=estate, number="1号楼", floors=4, stairwells=1)
    homes = [
        household_create(
            building=building,
            stairwell=1,
            floor=1 + n // 2,
            room=f"{1 + n // 2}{1 + n % 2:02d}",
            area=Decimal("60.00") + n,
            owner_name=f"王{'一二三四五六七'[n]}明",
            phone=PHONE_NUMBER,
        )
        for n in range(HOUSEHOLDS)
    ]
    now = timezone.now()
    campaign = services.campaign_create(
        actor=staff,
        estate=estate,
        title="幸福小区改造意愿征询",
        matter="renovate",
        rule="consent",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
    )
    return {"staff": staff, "building": building, "homes": homes, "campaign": campaign}


def _label(choice: Any) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def _pdf_text(data: bytes, tmp: Path) -> str | None:
    """The PDF's text through poppler's pdftotext, or None where poppler is not installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    source = tmp / "sheet.pdf"
    source.write_bytes(data)
    done = subprocess.run([tool, "-layout", str(source), "-"], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8", "replace")


def _screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the real failure
        print(f"screenshot failed: {exc}")


def test_consent_campaign_from_slips_to_certificate(
    page: Any, login: Any, browser: Any, live_server: Any, draft: dict[str, Any], monkeypatch: Any, media: Path
) -> None:
    campaign: Campaign = draft["campaign"]
    homes = draft["homes"]
    detail = f"/consultation/{campaign.pk}/"

    # Printing the slips issues the links; the raw tokens exist only on the sheet (as QR codes), so the test
    # keeps the ones the sheet was made from.
    issued: list[Any] = []
    original_issue = services.campaign_links_issue

    def keep_issued(**kwargs: Any) -> Any:
        links = original_issue(**kwargs)
        issued.extend(links)
        return links

    monkeypatch.setattr(services, "campaign_links_issue", keep_issued)

    # Staff log in, open the campaign and print building 1's slips.
    login("east")
    page.goto(detail)
    expect(page.get_by_test_id("campaign-status")).to_have_text(re.compile(r"\S"))
    page.get_by_test_id("campaign-open").click()
    expect(page.get_by_test_id("tally-voted")).to_have_text(f"0 / {HOUSEHOLDS}")
    for home in homes[1 : 1 + AGREE_BEFORE]:  # some households already agreed at an owners' meeting
        services.ballot_enter(actor=draft["staff"], campaign=campaign, household=home, answer="yes", channel="meeting")
    with page.expect_download() as download_info:
        page.locator("form[action$='/slips.pdf'] button[type=submit]").first.click()
    download = download_info.value
    sheet = Path(download.path()).read_bytes()
    assert sheet.startswith(b"%PDF")
    assert len(issued) == HOUSEHOLDS
    link = next(x for x in issued if x.household.pk == homes[0].pk)
    text = _pdf_text(sheet, media)
    if text is not None:
        assert link.short_code in text

    # A resident opens the link on a phone (no login), verifies, agrees, sees the confirmation.
    phone_context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    phone_context.set_default_timeout(15_000)
    phone = phone_context.new_page()
    try:
        phone.goto(f"/b/{link.token}/")
        form = phone.get_by_test_id("verify-form")
        form.locator("input[name=short_code]").fill(link.short_code)
        form.locator("input[name=secret]").fill(PHONE_NUMBER[-4:])
        form.locator("button[type=submit]").click()
        expect(phone.get_by_test_id("household-details")).to_contain_text("王*明")
        phone.locator("input[name=answer][value=yes]").check()
        phone.get_by_test_id("ballot-submit").click()
        expect(phone).to_have_url(re.compile(r"/done/$"))
        expect(phone.get_by_test_id("done-answer")).to_contain_text(_label(Answer.YES))
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the phone page scrolls sideways ({width}px)"
    except Exception:
        _screenshot(phone, "test_consultation_phone")
        raise
    finally:
        phone_context.close()
    ballot = Ballot.objects.get(campaign=campaign, household=homes[0])
    assert (ballot.answer, ballot.channel) == ("yes", "online")

    # Still below 2/3 on the staff page.
    page.goto(detail)
    expect(page.get_by_test_id("tally-yes")).to_have_text(str(AGREE_BEFORE + 1))
    expect(page.get_by_test_id("tally")).to_contain_text("57.1%")

    # Staff enter a paper ballot with its scanned form.
    paper_home = homes[1 + AGREE_BEFORE]
    page.goto(f"/consultation/{campaign.pk}/ballots/new/")
    form = page.get_by_test_id("ballot-enter-form")
    form.locator("select[name=household]").select_option(str(paper_home.pk))
    form.locator("select[name=channel]").select_option("paper")
    form.locator("input[name=answer][value=yes]").check()
    form.locator("input[name=attachment]").set_input_files(
        {"name": "paper-ballot.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% scanned ballot\n"}
    )
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/consultation/{campaign.pk}/ballots/new/$"))
    expect(page.get_by_test_id("form-error")).to_have_count(0)
    paper = Ballot.objects.get(campaign=campaign, household=paper_home)
    assert (paper.answer, paper.channel) == ("yes", "paper") and paper.attachment.name

    # The tally crosses 2/3; close and decide says passed; the certificate downloads.
    page.goto(detail)
    expect(page.get_by_test_id("tally-yes")).to_have_text(str(AGREE_BEFORE + 2))
    expect(page.get_by_test_id("tally")).to_contain_text("71.4%")
    tally = Tally.objects.get(campaign=campaign)
    assert 3 * tally.yes_households > 2 * tally.total_households
    page.get_by_test_id("campaign-decide").click()
    expect(page.get_by_test_id("decision-outcome")).to_contain_text("passed")
    campaign.refresh_from_db()
    assert campaign.status == "decided" and campaign.decision is not None
    assert campaign.decision["outcome"] == "passed"
    href = page.get_by_test_id("certificate").get_attribute("href")
    assert href
    certificate = page.request.get(href)
    assert certificate.status == 200
    assert certificate.headers["content-type"] == "application/pdf"
    assert certificate.body().startswith(b"%PDF")
