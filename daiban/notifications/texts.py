"""The wording of every text message, in Chinese (villagers' phones), in one place.

China's SMS providers send only templates approved in advance, with parameters: register
each text below with the provider as a template whose variables are the names in braces
(`${name}` at Alibaba Cloud; `{1}`, `{2}` … in this order at Tencent Cloud), and set its
code in DAIBAN_SMS_TEMPLATES (docs/operations.md, "Text messages").
"""

import string

TEXTS = {
    "accepted": "【代办】{name}您好，您的“{item}”已由代办员受理，受理编号{number}，查询码{code}，"
    "承诺{due}前办结。查询进度：{url}",
    "supplement": "【代办】{name}您好，您申请的“{item}”还需补齐：{materials}。请一次带齐交给代办员{agent}（{phone}）。",
    "result": "【代办】{name}您好，您的“{item}”已有办理结果：{outcome}。代办员{agent}会尽快送回，电话{phone}。",
    "replied": "【代办】{name}您好，您的“{item}”已办结，结果和原件已交回。感谢您的信任。",
    "complaint_received": "【代办】{name}您好，您对“{item}”的投诉已收到，投诉编号{reference}，"
    "便民服务中心将于{answer_due}前书面答复您。",
    "complaint_answered": "【代办】{name}您好，您的投诉（编号{reference}）已答复：{answer}（全文：{url}）",
    "rating_invitation": "【代办】{name}您好，请为“{item}”的代办服务打个分（非常满意至非常不满意）：{url}",
    "rating_reminder": "【代办】{name}您好，还没收到您对“{item}”代办服务的评价，请点击：{url}",
    "staff_warning": "【代办预警】{item}（{number}）期限{due}即将到期，请抓紧办理。",
    "staff_overdue": "【代办超期】{item}（{number}）已超过期限{due}，已列入督办，请于{answer_due}前书面说明。",
    "staff_supervision": "【代办督办】{item}（{number}）超期未办结，已督办至您，请于{answer_due}前书面答复。",
    "staff_complaint": "【代办投诉】群众对{item}（{number}）提出投诉，请于{answer_due}前处理并答复。",
    "staff_rectification": "【代办整改】{item}（{number}）收到不满意评价，请于{due}前整改并回访群众。",
    "staff_payment": "【代办补贴】{month}补贴已批准：交通补贴{subsidy}元，专项工作经费{fund}元，"
    "合计{amount}元。",
    # An agent replaced, away or back (people/succession.py): once per villager concerned.
    "new_agent": "【代办】{name}您好，您在办的代办事项和材料已交由代办员{agent}负责，"
    "电话{phone}，有事请与其联系。",
}

# The result in the `result` text: {outcome}.
OUTCOMES = {"granted": "准予办理", "denied": "不予办理"}


def render(template: str, **values) -> str:
    return TEXTS[template].format(**values)


def parameter_names(template: str) -> list[str]:
    """The template's variables in the order they appear (Tencent numbers them so)."""
    names: list[str] = []
    for _literal, name, _spec, _conversion in string.Formatter().parse(TEXTS[template]):
        if name and name not in names:
            names.append(name)
    return names


def params(template: str, **values) -> dict[str, str]:
    """The values a provider's template needs, in order, as text."""
    return {name: str(values[name]) for name in parameter_names(template)}
