"""Bar charts as plain SVG geometry, drawn by the template: no script, no inline style
(the CSP forbids both), every bar a link to the cases it counts."""

from dataclasses import dataclass


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    href: str
    title: str
    kind: str


@dataclass
class Label:
    x: float
    y: float
    text: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    baseline: float


def columns(groups: list[tuple[str, list[tuple[int, str, str, str]]]], height: int = 180) -> Chart:
    """Grouped columns: groups of (label, [(value, href, title, kind), …])."""
    per_group = max((len(bars) for _label, bars in groups), default=1)
    bar_w, gap = 14, 10
    group_w = per_group * bar_w + gap
    top, bottom = 16, 22
    plot = height - top - bottom
    peak = max((v for _label, bars in groups for v, *_ in bars), default=0) or 1
    chart_bars, labels = [], []
    for i, (label, bars) in enumerate(groups):
        x0 = 4 + i * group_w
        for j, (value, href, title, kind) in enumerate(bars):
            h = round(plot * value / peak, 1)
            chart_bars.append(
                Bar(x0 + j * bar_w, top + plot - h, bar_w - 2, h, value, href, title, kind)
            )
        labels.append(Label(x0 + (per_group * bar_w) / 2, height - 6, label))
    width = 8 + len(groups) * group_w
    return Chart(width, height, chart_bars, labels, top + plot)


def bar_width(value: int, peak: int, width: int = 120) -> float:
    return round(width * value / peak, 1) if peak else 0
