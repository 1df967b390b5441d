"""City names in the reader's language. Cities are stored as typed (usually in English: "Shenzhen"); the ones
incubators deal with most have a translated name, any other is shown as it was typed.

    city_label("Shenzhen")   # "深圳" in the Chinese interface
"""
from flask_babel import lazy_gettext as _l

CITY_LABELS = {
    "beijing": _l("Beijing"), "shanghai": _l("Shanghai"), "shenzhen": _l("Shenzhen"), "guangzhou": _l("Guangzhou"),
    "hangzhou": _l("Hangzhou"), "suzhou": _l("Suzhou"), "nanjing": _l("Nanjing"), "wuhan": _l("Wuhan"),
    "chengdu": _l("Chengdu"), "chongqing": _l("Chongqing"), "xi'an": _l("Xi'an"), "xian": _l("Xi'an"),
    "tianjin": _l("Tianjin"), "hefei": _l("Hefei"), "qingdao": _l("Qingdao"), "wuxi": _l("Wuxi"),
    "changzhou": _l("Changzhou"), "dongguan": _l("Dongguan"), "xiamen": _l("Xiamen"), "ningbo": _l("Ningbo"),
    "changsha": _l("Changsha"), "shenyang": _l("Shenyang"), "dalian": _l("Dalian"), "hong kong": _l("Hong Kong"),
    "zhuhai": _l("Zhuhai"), "foshan": _l("Foshan"), "jinan": _l("Jinan"), "zhengzhou": _l("Zhengzhou"),
}


def city_label(city: str | None) -> str:
    """The city's name in the current language (as typed when it has no translation)."""
    if not city:
        return ""
    label = CITY_LABELS.get(city.strip().lower())
    return str(label) if label is not None else city
