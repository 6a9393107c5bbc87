"""Pinyin for search: what a villager's or an item's name is found by."""

from pypinyin import Style, lazy_pinyin


def initials(name: str) -> str:
    """Pinyin first letters for search: 胡建荣 → hjr; punctuation dropped."""
    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return "".join(ch for ch in letters if ch.isascii() and ch.isalnum())


# How a character is read when it is a surname, first the usual surname reading, then the
# others people also type. pypinyin reads the character as a word (覃 → tan); in Guangxi
# 覃 is mostly qin. Only the first character of a name is looked up here; pypinyin's
# `load_single_dict` would change every reading in the process, so the table is ours.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "覃": ("qin", "tan"),
    "单": ("shan", "dan"),
    "区": ("ou", "qu"),
    "仇": ("qiu", "chou"),
    "解": ("xie", "jie"),
    "曾": ("zeng", "ceng"),
    "查": ("zha", "cha"),
    "朴": ("piao", "pu"),
    "盖": ("ge", "gai"),
    "缪": ("miao", "miu"),
    "翟": ("zhai", "di"),
    "乐": ("yue", "le"),
    "员": ("yun", "yuan"),
    "种": ("chong", "zhong"),
    "繁": ("po", "fan"),
    "黑": ("he", "hei"),
    "尉": ("yu", "wei"),
    "蔚": ("yu", "wei"),
    "折": ("she", "zhe"),
    "召": ("shao", "zhao"),
    "冼": ("xian",),
    "洗": ("xian", "xi"),
    "宓": ("mi", "fu"),
    "秘": ("bi", "mi"),
    "隗": ("wei", "kui"),
    "句": ("gou", "ju"),
    "车": ("che", "ju"),
    "柏": ("bai", "bo"),
    "贲": ("ben", "bi"),
    "宿": ("su", "xiu"),
    "长": ("chang", "zhang"),
    "能": ("nai", "neng"),
    "莘": ("shen", "xin"),
    "重": ("chong", "zhong"),
    "沈": ("shen",),
    "石": ("shi",),
    "薄": ("bo", "bao"),
    "华": ("hua",),
    "任": ("ren",),
    "过": ("guo",),
    "万": ("wan", "mo"),
    "都": ("du", "dou"),
}


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def name_readings(name: str) -> list[list[str]]:
    """Every way a person's name is read, syllable by syllable: the surname table's readings
    of the first character first, then pypinyin's if it differs. 覃德贵 → [[qin, de, gui],
    [tan, de, gui]]."""
    name = (name or "").strip()
    if not name:
        return []
    syllables = [_letters(s) for s in lazy_pinyin(name)]
    syllables = [s for s in syllables if s]
    if not syllables:
        return []
    firsts = list(SURNAME_READINGS.get(name[0], ()))
    if syllables[0] not in firsts:
        firsts.append(syllables[0])
    return [[first, *syllables[1:]] for first in firsts]


def search_keys(name: str) -> list[str]:
    """What a name is found by, each matched as a prefix: the name itself and the given name
    (胡建荣, 建荣), and for every reading its initials and its full pinyin (hjr,
    hujianrong; lvxiaolan also as luxiaolan). 覃德贵 gives qdg, qindegui, tdg and tandegui."""
    name = (name or "").strip()
    keys = []
    if name:
        keys.append(name.lower())
        if len(name) > 1 and not name[0].isascii():
            keys.append(name[1:])
    for reading in name_readings(name):
        keys.append("".join(s[0] for s in reading))
        keys.append("".join(reading))
        if "v" in keys[-1]:
            keys.append(keys[-1].replace("v", "u"))  # 吕 typed lu as often as lv
    return list(dict.fromkeys(k for k in keys if k))
