"""Every paper prints what people typed as text, never as markup (issue 12).

Names, reasons and notes full of markup characters — an image tag pointing at a file on
the server, a lone `<`, entities, unclosed tags — go through the real lifecycle into every
printed paper: each downloads (200), shows the text literally, and embeds no image but its
own QR code.
"""

import datetime
import io
import re
from pathlib import Path

import pypdf
import segno
import time_machine
from django.urls import reverse

from daiban.cases import lifecycle
from daiban.cases.handover import hand_over_batch
from daiban.cases.inputs import Missing
from daiban.cases.selectors import complete_checklist
from daiban.catalog.models import Material, ServiceItem
from daiban.documents import papers
from daiban.evaluation.services import prepare_sheet
from daiban.people.models import Resident, User
from daiban.places.models import Department, Hamlet, ServiceCenter, Township, Village
from daiban.testing import factories
from daiban.testing.figures import build
from daiban.testing.world import at, verified_login

LONG = "W" * 500  # one "word" wider than any page


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    return compact("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))


def images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image drawn on any page."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append((int(obj["/Width"]), int(obj["/Height"])))
    return found


def test_every_paper_prints_hostile_text_literally(client, world, tmp_path, settings):
    settings.DAIBAN_PUBLIC_URL = "https://daiban.example.gov.cn"
    planted = tmp_path / "secret.png"  # a real image on the server, 7×7 modules + border
    segno.make("x", micro=True).save(str(planted), kind="png", scale=1, border=0)
    img = f'<img src="{planted}" width="200" height="200"/>'

    def name(tag):  # fits a 60-character name
        return f"{tag}a<b&amp;<b>‹<font size=80>"

    def text(tag, long=True):  # addresses, notes, reasons
        return f"{tag}{img}原件a‹b复印件&amp;<b><font size=80>{LONG if long else ''}"

    Township.objects.filter(pk=world.township.pk).update(name=name("T1"))
    ServiceCenter.objects.filter(township=world.township).update(
        name=name("C1"), address=text("C2", long=False), phone="C3a<b&<b>"
    )
    Village.objects.filter(pk=world.village.pk).update(
        name=name("V1"), station_address=text("V2", long=False), station_hours=name("V3")
    )
    Village.objects.filter(pk=world.other_village.pk).update(name=name("V4"))
    Hamlet.objects.filter(pk=world.hamlet.pk).update(name=name("H1"))
    Department.objects.filter(pk=world.finance.pk).update(name=name("D1"))
    Resident.objects.filter(pk=world.resident.pk).update(name=name("R1"))
    User.objects.filter(pk=world.agent.pk).update(display_name=name("A1"))
    User.objects.filter(pk=world.petition_agent.pk).update(display_name=name("A2"))
    User.objects.filter(pk=world.director.pk).update(display_name=name("A3"))
    ServiceItem.objects.filter(pk=world.passbook.pk).update(
        name=name("I1"),
        conditions=text("I2"),
        fee=text("I3", long=False),
        location=text("I4", long=False),
        legal_basis=text("I5"),
    )
    first_material = world.passbook.materials.order_by("position").first()
    Material.objects.filter(pk=first_material.pk).update(name=name("M1"))
    for person in (world.agent, world.petition_agent, world.director, world.resident):
        person.refresh_from_db()
    for place in (world.township, world.village, world.other_village, world.hamlet):
        place.refresh_from_db()
    world.passbook.refresh_from_db()

    build(world)  # a history for the report and the payment sheet
    accepted = factories.accepted(world, day="2026-03-23")
    batch, failed = hand_over_batch(world.agent, [accepted])
    assert failed == []
    waiting = factories.started(world, day="2026-03-24")
    required = complete_checklist(world.passbook)
    notice = lifecycle.request_supplement(
        waiting,
        actor=world.agent,
        missing=[Missing(required[0].material_id, text("N1"))],
        note=text("N2", long=False),  # the long one would go on over the page
        at=at("2026-03-24"),
    )
    refused = lifecycle.refuse(
        factories.started(world, day="2026-03-25"),
        actor=world.agent,
        reason="原件a‹b复印件\n" + text("X1"),
        at=at("2026-03-25"),
    )
    with time_machine.travel(at("2026-04-10"), tick=False):
        sheet = prepare_sheet(world.township, datetime.date(2026, 3, 1), actor=world.director)

    def get(user, url, **params):
        if user is None:
            client.logout()
        else:
            verified_login(client, user)
        response = client.get(url, params)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf", url
        return response.content

    agent, township = world.agent, world.township
    printed = {
        "receipt": get(agent, reverse("cases:receipt", args=[accepted.pk])),
        "entrustment": get(agent, reverse("cases:entrustment", args=[accepted.pk])),
        "supplement": get(agent, reverse("cases:supplement_pdf", args=[waiting.pk, notice.pk])),
        "refusal": get(agent, reverse("cases:refusal", args=[refused.pk])),
        "handover": get(agent, reverse("cases:handover_pdf", args=[batch.pk])),
        "poster": get(None, reverse("portal:poster", args=[world.village.code])),
        "booklet": get(None, reverse("portal:booklet", args=[township.code])),
        "report": get(
            world.supervisor,
            reverse("figures:report_pdf"),
            **{"from": "2026-01", "to": "2026-03", "township": township.pk},
        ),
        "payment sheet": get(
            world.director, reverse("evaluation:sheet", args=[sheet.pk]), format="pdf"
        ),
    }
    shown = {
        "receipt": ["C1", "C3", "V1", "H1", "R1", "A1", "I1", "M1"],
        "entrustment": ["C1", "V1", "R1", "A1", "I1"],
        "supplement": ["C1", "R1", "A1", "I1", "M1", "N1", "N2"],
        "refusal": ["C1", "C3", "R1", "A1", "I1", "X1"],
        "handover": ["C1", "V1", "R1", "A1", "I1", "M1", "D1"],
        "poster": ["T1", "C2", "C3", "V1", "V2", "V3", "A1", "A2", "I1"],
        "booklet": [
            *["T1", "C1", "C2", "C3", "V1", "V4", "A1", "A2"],
            *["I1", "I2", "I3", "I4", "I5", "M1"],
        ],
        "report": ["T1", "V1"],
        "payment sheet": ["T1", "C1", "V1", "V4", "A1", "A2", "A3"],
    }
    literal = {
        "T1": name("T1"),
        "C1": name("C1"),
        "C2": text("C2", long=False),
        "C3": "C3a<b&<b>",
        "V1": name("V1"),
        "V2": text("V2", long=False),
        "V3": name("V3"),
        "V4": name("V4"),
        "H1": name("H1"),
        "D1": name("D1"),
        "R1": name("R1"),
        "A1": name("A1"),
        "A2": name("A2"),
        "A3": name("A3"),
        "I1": name("I1"),
        "I2": text("I2"),
        "I3": text("I3", long=False),
        "I4": text("I4", long=False),
        "I5": text("I5"),
        "M1": name("M1"),
        "N1": text("N1"),
        "N2": text("N2", long=False),
        "X1": "原件a‹b复印件" + text("X1"),
    }
    own_qr = {"receipt": 1, "poster": 1}
    for paper, pdf in printed.items():
        found = pdf_text(pdf)
        for tag in shown[paper]:
            assert compact(literal[tag]) in found, (paper, tag)
        assert len(images(pdf)) == own_qr.get(paper, 0), (paper, images(pdf))


def test_a_reason_keeps_its_lines_and_loses_control_characters(world):
    case = lifecycle.refuse(
        factories.started(world),
        actor=world.agent,
        reason="第一行a<b\n第二行",
        at=at("2026-03-05"),
    )
    reader = pypdf.PdfReader(io.BytesIO(papers.refusal_notice(case)))
    lines = reader.pages[0].extract_text().splitlines()
    assert "第一行a<b" in lines and "第二行" in lines
    # A NUL cannot be stored on PostgreSQL, but SQLite keeps it: it never reaches the page.
    case.refusal_reason = "原件\x00a‹b\x07复印件\r\n" + "W" * 20000
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(papers.refusal_notice(case))).pages
    )
    assert "\x00" not in text and "\x07" not in text
    assert "原件a‹b复印件" in compact(text)
    assert compact(text).count("W") == 20000


def test_an_image_tag_in_a_reason_embeds_nothing(world, tmp_path):
    planted = tmp_path / "secret.png"
    segno.make("x", micro=True).save(str(planted), kind="png", scale=1, border=0)
    reason = f'原件<img src="{planted}" width="200" height="200"/>复印件'
    case = lifecycle.refuse(
        factories.started(world), actor=world.agent, reason=reason, at=at("2026-03-05")
    )
    pdf = papers.refusal_notice(case)
    assert images(pdf) == []
    assert compact(reason) in pdf_text(pdf)


def test_only_the_documents_helper_makes_paragraphs():
    """`para()` is the one door; a Paragraph built elsewhere would take text as markup."""
    root = Path(__file__).resolve().parents[2]
    helper = root / "documents" / "pdf.py"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path != helper and re.search(r"\bParagraph\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
