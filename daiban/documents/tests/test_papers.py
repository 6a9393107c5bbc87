"""Open each printed paper, read its text back, and decode its QR code."""

import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from daiban.cases import lifecycle
from daiban.cases.handover import hand_over_batch
from daiban.cases.inputs import Missing
from daiban.cases.models import Case
from daiban.cases.selectors import complete_checklist
from daiban.documents import papers
from daiban.testing import factories
from daiban.testing.world import at


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def qr_codes(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=3).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture
def accepted(world, settings):
    settings.DAIBAN_PUBLIC_URL = "https://daiban.example.gov.cn"
    world.agent.work_phone = "+8613977161234"
    world.agent.display_name = "韦志强"
    world.agent.save()
    return Case.objects.get(pk=factories.accepted(world).pk)


def test_receipt_has_everything_the_resident_needs(accepted):
    pdf = papers.receipt(accepted)
    text = text_of(pdf)
    for expected in [
        "群众事务代办受理回执",
        "459901101-2026-00001",
        accepted.tracking_code,
        "粮食直补存折更名",
        "胡建荣",
        "459901********0032",
        "大厂村委会岩洛场村",
        "2026年3月2日",  # accepted
        "2026年3月9日",  # promised
        "韦志强",
        "13977161234",
        "0776-6110188",
        "原补贴存折",
        "村委会证明",
    ]:
        assert expected in text, expected
    assert "19860412" not in text  # the birth date stays hidden
    assert qr_codes(pdf) == [f"https://daiban.example.gov.cn/track/?code={accepted.tracking_code}"]


def test_entrustment_letter_names_both_sides(accepted):
    text = text_of(papers.entrustment(accepted))
    for expected in [
        "群众事务代办委托书",
        "胡建荣",
        "韦志强",
        "粮食直补存折更名",
        "459901101-2026-00001",
        "委托人签字",
    ]:
        assert expected in text, expected


def test_supplement_notice_lists_every_missing_material(world):
    case = factories.started(world)
    required = complete_checklist(world.passbook)
    notice = lifecycle.request_supplement(
        case,
        actor=world.agent,
        missing=[Missing(required[0].material_id, "要原件"), Missing(required[3].material_id)],
        note="带上户主",
        at=at("2026-03-04"),
    )
    text = text_of(papers.supplement_notice(notice))
    for expected in [
        "一次性告知书",
        "胡建荣",
        "粮食直补存折更名",
        "原补贴存折",
        "要原件",
        "村委会证明",
        "带上户主",
        "2026年3月4日",
    ]:
        assert expected in text, expected


def test_refusal_notice_states_the_reason(world):
    case = lifecycle.refuse(
        factories.started(world),
        actor=world.agent,
        reason="该事项不属于代办范围",
        at=at("2026-03-05"),
    )
    text = text_of(papers.refusal_notice(case))
    for expected in [
        "不予受理告知书",
        "该事项不属于代办范围",
        "2026年3月5日",
        "胡建荣",
        "大厂壮族乡便民服务中心",
    ]:
        assert expected in text, expected


def test_handover_list_names_every_file_and_original(world):
    first = factories.accepted(world)
    second = factories.accepted(world, item=world.birth, day="2026-03-03")
    batch, failed = hand_over_batch(world.agent, [first, second])
    assert failed == []
    text = text_of(papers.handover_list(batch))
    for expected in [
        "代办材料交接单",
        f"JJ-{batch.pk:06d}",
        first.number,
        second.number,
        "大厂壮族乡财政所",
        "大厂壮族乡计生办",
        "居民户口簿×1",
        "移交人",
        "接收人",
    ]:
        assert expected in text, expected


def test_papers_embed_a_cjk_font_when_one_is_installed(accepted):
    from daiban.documents.pdf import font_name

    reader = PdfReader(io.BytesIO(papers.receipt(accepted)))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    if font_name() == "DaibanCJK":
        assert any("WenQuanYi" in f or "DaibanCJK" in f or "+" in f for f in fonts), fonts
    else:
        assert "/STSong-Light" in fonts
