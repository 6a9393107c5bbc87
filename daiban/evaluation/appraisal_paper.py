"""The yearly appraisal table (年度考核表) of a township, printed for the file and the
notice board: every agent's score and figures, the villagers' comments counted, the
grade, the director's comment and who approved it; then the commendation list."""

from django.utils import translation
from django.utils.translation import gettext as _

from daiban.documents import pdf as paper
from daiban.places.models import Township

from . import appraisal
from .models import Appraisal


def _rate(part, whole) -> str:
    return f"{part}/{whole}" if whole else "—"


def appraisal_pdf(township: Township, year: int) -> bytes:
    with translation.override("zh-hans"):
        s = paper.styles()
        title = _("%(township)s — annual appraisal of the village agents, %(year)s") % {
            "township": township.name,
            "year": f"{year}年",
        }
        rows = [
            [
                _("No."),
                _("Village"),
                _("Agent"),
                _("Score"),
                _("Completed"),
                _("On time"),
                _("Satisfied / rated"),
                _("Villagers' comments"),
                _("Grade"),
                _("Director's comment"),
                _("Approved"),
            ]
        ]
        found = Appraisal.objects.filter(township=township, year=year).select_related(
            "agent", "village", "approved_by"
        )
        for i, item in enumerate(found, start=1):
            f = item.figures or {}
            rows.append(
                [
                    str(i),
                    item.village.name,
                    item.agent.display_name,
                    "—" if item.score is None else str(item.score),
                    str(f.get("completed", "—")),
                    _rate(f.get("on_time", 0), f.get("completed", 0)),
                    _rate(f.get("satisfied", 0), f.get("rated", 0)),
                    str(len(item.villager_comments)),
                    item.get_grade_display(),
                    item.director_comment,
                    item.approved_by.display_name if item.approved_by else _("not yet approved"),
                ]
            )
        if len(rows) == 1:
            rows.append(["", _("No appraisal proposed yet."), *[""] * 9])
        commended = [
            f"{a.village.name} {a.agent.display_name}"
            for a in appraisal.commendations(township.pk, year)
        ]
        center = getattr(township, "center", None)
        story = [
            paper.para(center.name if center else township.name, s["subtitle"]),
            paper.para(title, s["title"]),
            paper.gap(),
            paper.grid(rows, [8, 18, 18, 13, 10, 11, 13, 12, 14, 38, 15]),
            paper.gap(6),
            paper.para(_("Commendation list (excellent, approved)"), s["body"]),
            paper.para("、".join(commended) if commended else _("None this year."), s["body"]),
            paper.gap(6),
            paper.para(
                _(
                    "Grades: excellent, competent, basically competent, incompetent. An agent "
                    "graded incompetent twice is to be replaced."
                ),
                s["small"],
            ),
        ]
        return paper.render(story, title)
