"""The words county staff write in the workbook, mapped to the codes Daiban uses.

Department kinds are the catalog's (`ServiceItem.department_kind` and
`county_department_kind`); the first word of each list is the one printed in the template.
"""

from daiban.people.models import Role

TOWNSHIP_KINDS: dict[str, list[str]] = {
    "finance": ["财政所", "财政分局"],
    "family_planning": ["计生办", "计划生育办公室", "卫生计生办"],
    "civil_affairs": ["民政所", "民政办"],
    "aged": ["老龄办"],
    "police": ["派出所"],
    "land": ["国土所", "土管所", "自然资源所", "国土资源所", "自然资源和规划所"],
    "judicial": ["司法所"],
    "petition": ["信访办", "信访室"],
    "construction": ["城建所", "规划建设所", "村镇建设所"],
    "rural_economy": ["经管中心", "经管站", "农村经营管理站"],
    "forestry": ["林业站"],
    "labour": ["劳动保障所", "人社所", "人力资源和社会保障所", "劳保所"],
}

COUNTY_KINDS: dict[str, list[str]] = {
    "c_police": ["公安局"],
    "c_natural_resources": ["自然资源局", "国土资源局", "自然资源和规划局"],
    "c_education": ["教育局", "教育和体育局"],
    "c_hrss": ["人力资源和社会保障局", "人社局"],
    "c_civil_affairs": ["民政局"],
    "c_medical_insurance": ["医疗保障局", "医保局"],
    "c_health": ["卫生健康局", "卫生健康委员会", "卫健委", "卫健局"],
    "c_forestry": ["林业局"],
    "c_agriculture": ["农业农村局"],
    "c_petition": ["信访局"],
    "c_housing": ["住房和城乡建设局", "住建局"],
    "c_finance": ["财政局"],
    "c_justice": ["司法局"],
    "c_disabled": ["残疾人联合会", "残联"],
}

ROLES: dict[str, Role] = {
    "村代办员": Role.VILLAGE_AGENT,
    "代办员": Role.VILLAGE_AGENT,
    "信访代办员": Role.PETITION_AGENT,
    "乡镇代办员": Role.TOWNSHIP_AGENT,
    "乡级代办员": Role.TOWNSHIP_AGENT,
    "部门办事员": Role.DEPARTMENT_CLERK,
    "办事员": Role.DEPARTMENT_CLERK,
    "中心主任": Role.CENTER_DIRECTOR,
    "便民服务中心主任": Role.CENTER_DIRECTOR,
    "乡镇领导": Role.TOWNSHIP_LEADER,
    "县督查员": Role.COUNTY_SUPERVISOR,
    "县信访局": Role.PETITION_BUREAU,
    "县管理员": Role.COUNTY_ADMINISTRATOR,
}
ROLE_WORD = {
    Role.VILLAGE_AGENT: "村代办员",
    Role.PETITION_AGENT: "信访代办员",
    Role.TOWNSHIP_AGENT: "乡镇代办员",
    Role.DEPARTMENT_CLERK: "部门办事员",
    Role.CENTER_DIRECTOR: "中心主任",
    Role.TOWNSHIP_LEADER: "乡镇领导",
    Role.COUNTY_SUPERVISOR: "县督查员",
    Role.PETITION_BUREAU: "县信访局",
    Role.COUNTY_ADMINISTRATOR: "县管理员",
}

YES = {"是", "启用", "y", "yes", "1", "true", "√", "开"}
NO = {"否", "停用", "n", "no", "0", "false", "×", "关"}


def _index(table: dict[str, list[str]]) -> dict[str, str]:
    found = {}
    for kind, words in table.items():
        found[kind] = kind
        for word in words:
            found[word] = kind
    return found


_TOWNSHIP_INDEX = _index(TOWNSHIP_KINDS)
_COUNTY_INDEX = _index(COUNTY_KINDS)


def township_kind(word: str) -> str | None:
    """派出所 → police; the kind's own code is accepted too. A longer name ending in a known
    word (大厂乡派出所) also counts."""
    if word in _TOWNSHIP_INDEX:
        return _TOWNSHIP_INDEX[word]
    return next((k for w, k in _TOWNSHIP_INDEX.items() if len(w) > 1 and word.endswith(w)), None)


def county_kind(word: str) -> str | None:
    """县公安局 / 公安局 → c_police."""
    if word in _COUNTY_INDEX:
        return _COUNTY_INDEX[word]
    return next((k for w, k in _COUNTY_INDEX.items() if len(w) > 1 and word.endswith(w)), None)


def kind_word(kind: str) -> str:
    words = TOWNSHIP_KINDS.get(kind) or COUNTY_KINDS.get(kind)
    return words[0] if words else kind


def township_kind_words() -> str:
    return "、".join(words[0] for words in TOWNSHIP_KINDS.values())


def county_kind_words() -> str:
    return "、".join(words[0] for words in COUNTY_KINDS.values())


def role_words() -> str:
    return "、".join(ROLE_WORD.values())
