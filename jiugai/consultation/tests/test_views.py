"""Staff pages: list, create, detail with tally, progress, paper entry, QR sheet and certificate PDFs."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiugai.consultation import services
from jiugai.consultation.models import Ballot, BallotToken, Campaign


def pdf_text(data: bytes, tmp_path: Any) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_list_create_detail(client: Any, world: Any) -> None:
    world.households(2)
    client.force_login(world.east)
    assert client.get("/consultation/").status_code == 200
    now = timezone.localtime()
    response = client.post(
        "/consultation/new/",
        {
            "title": "1号楼2单元加装电梯",
            "estate": world.estate.pk,
            "scope_type": "stairwell",
            "building": world.b1.pk,
            "stairwell": 2,
            "matter": "elevator",
            "rule": "art278",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "items": "屋面防水\n管网改造",
            "ask_cofunding": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert (campaign.scope_type, campaign.stairwell, len(campaign.questions["items"])) == ("stairwell", 2, 2)
    detail = client.get(f"/consultation/{campaign.pk}/")
    assert "1号楼2单元加装电梯" in detail.content.decode()


def test_create_form_shows_errors(client: Any, world: Any) -> None:
    client.force_login(world.east)
    now = timezone.localtime()
    response = client.post(
        "/consultation/new/",
        {
            "title": "x",
            "estate": world.estate.pk,
            "scope_type": "stairwell",
            "matter": "elevator",
            "rule": "art278",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()


def test_other_street_cannot_see_campaign(client: Any, world: Any) -> None:
    world.households(1)
    campaign = world.campaign()
    client.force_login(world.west)
    assert client.get(f"/consultation/{campaign.pk}/").status_code == 404
    assert "幸福小区" not in client.get("/consultation/").content.decode()
    assert client.get(f"/api/v1/consultation/campaigns/{campaign.pk}/").status_code == 404


def test_open_tally_progress_decide_certificate(client: Any, world: Any, tmp_path: Any) -> None:
    homes = world.households(3, owner_name="李建国")
    campaign = world.campaign(open_it=False)
    client.force_login(world.east)
    client.post(f"/consultation/{campaign.pk}/open/")
    campaign.refresh_from_db()
    assert campaign.status == "open"
    world.vote(campaign, homes[0], "yes")
    tally = client.get(f"/consultation/{campaign.pk}/tally/").content.decode()
    assert 'data-testid="tally-yes">1<' in tally
    progress = client.get(f"/consultation/{campaign.pk}/progress/").content.decode()
    assert "李*国" in progress and "李建国" not in progress
    assert progress.count("李*国") == 2
    assert client.get(f"/consultation/{campaign.pk}/certificate.pdf").status_code == 302  # not decided yet
    client.post(f"/consultation/{campaign.pk}/decide/")
    campaign.refresh_from_db()
    assert campaign.status == "decided" and campaign.decision["outcome"] == "rejected"
    pdf = client.get(f"/consultation/{campaign.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content, tmp_path)
    if text is not None:
        assert campaign.title in text
        assert campaign.decision["ballot_digest"] in text.replace("\n", "")


def test_qr_sheet_pdf_issues_links(client: Any, world: Any, tmp_path: Any) -> None:
    world.households(5)
    campaign = world.campaign()
    client.force_login(world.east)
    response = client.post(f"/consultation/{campaign.pk}/slips.pdf", {"building": world.b1.pk})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert BallotToken.objects.filter(campaign=campaign).count() == 5
    text = pdf_text(response.content, tmp_path)
    if text is not None:
        assert campaign.title in text
        codes = set(BallotToken.objects.values_list("short_code", flat=True))
        assert all(code in text for code in codes)


def test_paper_entry_page(client: Any, world: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    homes = world.households(2)
    campaign = world.campaign()
    client.force_login(world.community)
    url = f"/consultation/{campaign.pk}/ballots/new/"
    assert client.get(url).status_code == 200
    missing = client.post(url, {"household": homes[0].pk, "channel": "paper", "answer": "yes"})
    assert missing.status_code == 200 and not Ballot.objects.exists()
    scan = SimpleUploadedFile("scan.png", b"\x89PNG....", content_type="image/png")
    ok = client.post(url, {"household": homes[0].pk, "channel": "paper", "answer": "yes", "attachment": scan})
    assert ok.status_code == 302
    assert Ballot.objects.get().channel == "paper"


def test_staff_page_cannot_override_online_ballot(client: Any, world: Any) -> None:
    homes = world.households(2)
    campaign = world.campaign()
    link = next(
        x for x in services.campaign_links_issue(actor=world.east, campaign=campaign) if x.household == homes[0]
    )
    from jiugai.consultation.selectors import token_find

    token = token_find(raw_token=link.token)
    assert token is not None
    services.ballot_cast_online(token=token, answer="no")
    client.force_login(world.east)
    response = client.post(
        f"/consultation/{campaign.pk}/ballots/new/", {"household": homes[0].pk, "channel": "meeting", "answer": "yes"}
    )
    assert response.status_code == 200
    assert "form-error" in response.content.decode()
    assert Ballot.objects.get().answer == "no"


def _filled(sheet_bytes: bytes, answers: dict[str, str]) -> SimpleUploadedFile:
    """The downloaded register sheet with answers written in by room number."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(sheet_bytes))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if str(row[2].value) in answers:
            row[4].value = answers[str(row[2].value)]
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("filled.xlsx", out.getvalue())


def test_paper_batch_round_trip(client: Any, world: Any, english: None) -> None:
    from jiugai.consultation.models import Tally

    world.households(4)
    campaign = world.campaign()
    client.force_login(world.east)
    client.cookies["django_language"] = "en"
    assert b"paper-batch" in client.get(f"/consultation/{campaign.pk}/").content
    sheet = client.get(f"/consultation/{campaign.pk}/ballots/paper.xlsx")
    assert sheet.status_code == 200

    def scan() -> SimpleUploadedFile:
        return SimpleUploadedFile("scan.pdf", b"%PDF-1.4 forms", content_type="application/pdf")

    url = f"/consultation/{campaign.pk}/ballots/paper/"
    bad = client.post(url, {"workbook": _filled(sheet.content, {"101": "同意", "102": "也许"}), "scan": scan()})
    assert bad.status_code == 200
    assert "Write 同意, 不同意 or 弃权, not “也许”." in bad.content.decode()
    assert not Ballot.objects.filter(campaign=campaign).exists()
    good = client.post(
        url, {"workbook": _filled(sheet.content, {"101": "同意", "102": "不同意", "103": "同意"}), "scan": scan()}
    )
    assert good.status_code == 302
    tally = Tally.objects.get(campaign=campaign)
    assert (tally.yes_households, tally.no_households) == (2, 1)
    broken = client.post(url, {"workbook": SimpleUploadedFile("x.xlsx", b"not a workbook"), "scan": scan()})
    assert "paper-problems" in broken.content.decode()
