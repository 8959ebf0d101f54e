"""Place names on the maps: what each preset names, in which language, and where.

A preset names what a reader needs to read it: the countries, the seas and
straits, the island groups and the features its story is about
(:data:`PRESET_LABELS`, in order of importance). Each name comes in the
language asked for, from the atlas's own ``names`` of each feature where the
atlas has the place, and from the short lists below for the countries, the
waters and the island groups (the basemap keeps only English names).

Where the labels go is decided here, in Python, for the preset's opening view
at the sizes the maps are looked at (:data:`VIEW_SIZES`: the browser's
1200 x 850 and the PNG export's 1400 x 1000 CSS pixels): each label, most
important first, takes the first of its candidate positions (centred on an
area; right, left, above or below a point) whose box meets no box already
placed and no control of the page; one that finds none is still drawn, and
the page hides it while it collides. In the page, the same rule runs again on
the drawn boxes at every zoom and resize (``window.cmDeclutter``), so zooming
in shows more names and never two on top of each other.

Sources
-------
- Countries: the short name each language uses for the state (English after
  the UN terminology bulletin: "Viet Nam"); the list was compiled for
  claimsmap and checked against the npm package ``i18n-iso-countries@7.14.0``
  (MIT). Where they differ, the list keeps the short name a map prints
  (ブルネイ, not ブルネイ・ダルサラーム; Tiongkok, Indonesia's official name for
  China since 2014), and does not follow that package's Chinese "中国台湾省"
  for Taiwan or Vietnamese "Bán đảo Mã Lai" (the Malay peninsula) for
  Malaysia: a map that states no claim in a country's name uses the names
  each side's readers use.
- Seas and straits: English after IHO S-23 *Limits of Oceans and Seas* (1953)
  where it names the water; the other languages the names in official use in
  each language's countries (the Vietnamese "Biển Đông" and Chinese "南海"
  for the South China Sea). Not yet checked field by field against Natural
  Earth's ``ne_10m_geography_marine_polys`` ``name_xx`` columns.
- Island groups: the names their claimants give them in each language (the
  groups the atlas's ``scs-features`` rows belong to); the label stands at the
  mean of the group's features.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import Polygon, box
from shapely.ops import polylabel

from claimsmap.catalog import BASEMAP, load, present
from claimsmap.errors import ClaimsmapError
from claimsmap.maps._html import escape, script_json

__all__ = [
    "LABEL_CSS",
    "LANGS",
    "PRESET_LABELS",
    "VIEW_SIZES",
    "Label",
    "LabelKind",
    "LabelLayer",
    "check_lang",
    "name_in",
    "place_labels",
    "preset_labels",
]

LabelKind = Literal["country", "sea", "strait", "group", "island", "feature"]

#: The page sizes (CSS pixels) the presets are looked at: the browser tests'
#: window and :meth:`claimsmap.maps.Map.save_png`'s default.
VIEW_SIZES: tuple[tuple[int, int], ...] = ((1200, 850), (1400, 1000))

_C = dict[str, str]

# Countries by ISO 3166-1 alpha-3 (see the module's Sources).
_COUNTRIES: dict[str, _C] = {
    "CHN": {
        "en": "China",
        "zh": "中国",
        "zh-Hant": "中國",
        "ja": "中国",
        "ko": "중국",
        "vi": "Trung Quốc",
        "fil": "Tsina",
        "ms": "China",
        "id": "Tiongkok",
    },
    "TWN": {
        "en": "Taiwan",
        "zh": "台湾",
        "zh-Hant": "臺灣",
        "ja": "台湾",
        "ko": "타이완",
        "vi": "Đài Loan",
        "fil": "Taiwan",
        "ms": "Taiwan",
        "id": "Taiwan",
    },
    "VNM": {
        "en": "Viet Nam",
        "zh": "越南",
        "zh-Hant": "越南",
        "ja": "ベトナム",
        "ko": "베트남",
        "vi": "Việt Nam",
        "fil": "Biyetnam",
        "ms": "Vietnam",
        "id": "Vietnam",
    },
    "PHL": {
        "en": "Philippines",
        "zh": "菲律宾",
        "zh-Hant": "菲律賓",
        "ja": "フィリピン",
        "ko": "필리핀",
        "vi": "Philippines",
        "fil": "Pilipinas",
        "ms": "Filipina",
        "id": "Filipina",
    },
    "MYS": {
        "en": "Malaysia",
        "zh": "马来西亚",
        "zh-Hant": "馬來西亞",
        "ja": "マレーシア",
        "ko": "말레이시아",
        "vi": "Malaysia",
        "fil": "Malaysia",
        "ms": "Malaysia",
        "id": "Malaysia",
    },
    "BRN": {
        "en": "Brunei",
        "zh": "文莱",
        "zh-Hant": "汶萊",
        "ja": "ブルネイ",
        "ko": "브루나이",
        "vi": "Brunei",
        "fil": "Brunei",
        "ms": "Brunei",
        "id": "Brunei",
    },
    "IDN": {
        "en": "Indonesia",
        "zh": "印度尼西亚",
        "zh-Hant": "印尼",
        "ja": "インドネシア",
        "ko": "인도네시아",
        "vi": "Indonesia",
        "fil": "Indonesya",
        "ms": "Indonesia",
        "id": "Indonesia",
    },
    "JPN": {
        "en": "Japan",
        "zh": "日本",
        "zh-Hant": "日本",
        "ja": "日本",
        "ko": "일본",
        "vi": "Nhật Bản",
        "fil": "Hapon",
        "ms": "Jepun",
        "id": "Jepang",
    },
    "KOR": {
        "en": "South Korea",
        "zh": "韩国",
        "zh-Hant": "南韓",
        "ja": "韓国",
        "ko": "대한민국",
        "vi": "Hàn Quốc",
        "fil": "Timog Korea",
        "ms": "Korea Selatan",
        "id": "Korea Selatan",
    },
    "PRK": {
        "en": "North Korea",
        "zh": "朝鲜",
        "zh-Hant": "北韓",
        "ja": "北朝鮮",
        "ko": "북한",
        "vi": "Triều Tiên",
        "fil": "Hilagang Korea",
        "ms": "Korea Utara",
        "id": "Korea Utara",
    },
    "KHM": {
        "en": "Cambodia",
        "zh": "柬埔寨",
        "zh-Hant": "柬埔寨",
        "ja": "カンボジア",
        "ko": "캄보디아",
        "vi": "Campuchia",
        "fil": "Kambodya",
        "ms": "Kemboja",
        "id": "Kamboja",
    },
    "THA": {
        "en": "Thailand",
        "zh": "泰国",
        "zh-Hant": "泰國",
        "ja": "タイ",
        "ko": "태국",
        "vi": "Thái Lan",
        "fil": "Taylandiya",
        "ms": "Thailand",
        "id": "Thailand",
    },
    "LAO": {
        "en": "Laos",
        "zh": "老挝",
        "zh-Hant": "寮國",
        "ja": "ラオス",
        "ko": "라오스",
        "vi": "Lào",
    },
    "MMR": {
        "en": "Myanmar",
        "zh": "缅甸",
        "zh-Hant": "緬甸",
        "ja": "ミャンマー",
        "ko": "미얀마",
        "vi": "Myanmar",
    },
    "IND": {
        "en": "India",
        "zh": "印度",
        "zh-Hant": "印度",
        "ja": "インド",
        "ko": "인도",
        "vi": "Ấn Độ",
        "hi": "भारत",
    },
    "MNG": {
        "en": "Mongolia",
        "zh": "蒙古国",
        "zh-Hant": "蒙古國",
        "ja": "モンゴル",
        "ko": "몽골",
        "vi": "Mông Cổ",
    },
    "RUS": {
        "en": "Russia",
        "zh": "俄罗斯",
        "zh-Hant": "俄羅斯",
        "ja": "ロシア",
        "ko": "러시아",
        "vi": "Nga",
    },
    "NPL": {"en": "Nepal", "zh": "尼泊尔", "zh-Hant": "尼泊爾", "ja": "ネパール"},
    "BTN": {"en": "Bhutan", "zh": "不丹", "zh-Hant": "不丹", "ja": "ブータン"},
    "PAK": {
        "en": "Pakistan",
        "zh": "巴基斯坦",
        "zh-Hant": "巴基斯坦",
        "ja": "パキスタン",
    },
    "KAZ": {
        "en": "Kazakhstan",
        "zh": "哈萨克斯坦",
        "zh-Hant": "哈薩克",
        "ja": "カザフスタン",
    },
}

# Seas and straits: kind, label point (lon, lat) and names (see Sources).
_WATERS: dict[str, tuple[LabelKind, tuple[float, float], _C]] = {
    "south-china-sea": (
        "sea",
        (113.3, 13.2),
        {
            "en": "South China Sea",
            "zh": "南海",
            "zh-Hant": "南海",
            "ja": "南シナ海",
            "ko": "남중국해",
            "vi": "Biển Đông",
            "fil": "Dagat Timog Tsina",
            "ms": "Laut China Selatan",
            "id": "Laut Cina Selatan",
        },
    ),
    "east-china-sea": (
        "sea",
        (125.2, 29.5),
        {
            "en": "East China Sea",
            "zh": "东海",
            "zh-Hant": "東海",
            "ja": "東シナ海",
            "ko": "동중국해",
            "vi": "Biển Hoa Đông",
            "fil": "Dagat Silangang Tsina",
            "ms": "Laut China Timur",
            "id": "Laut Cina Timur",
        },
    ),
    "yellow-sea": (
        "sea",
        (123.5, 35.5),
        {
            "en": "Yellow Sea",
            "zh": "黄海",
            "zh-Hant": "黃海",
            "ja": "黄海",
            "ko": "황해",
            "vi": "Hoàng Hải",
            "fil": "Dagat Dilaw",
            "ms": "Laut Kuning",
            "id": "Laut Kuning",
        },
    ),
    "philippine-sea": (
        "sea",
        (129.0, 19.0),
        {
            "en": "Philippine Sea",
            "zh": "菲律宾海",
            "zh-Hant": "菲律賓海",
            "ja": "フィリピン海",
            "ko": "필리핀해",
            "vi": "Biển Philippines",
            "fil": "Dagat Pilipinas",
            "ms": "Laut Filipina",
            "id": "Laut Filipina",
        },
    ),
    "sulu-sea": (
        "sea",
        (120.3, 8.6),
        {
            "en": "Sulu Sea",
            "zh": "苏禄海",
            "zh-Hant": "蘇祿海",
            "ja": "スールー海",
            "ko": "술루해",
            "vi": "Biển Sulu",
            "fil": "Dagat Sulu",
            "ms": "Laut Sulu",
            "id": "Laut Sulu",
        },
    ),
    "gulf-of-tonkin": (
        "sea",
        (107.6, 20.0),
        {
            "en": "Gulf of Tonkin",
            "zh": "北部湾",
            "zh-Hant": "北部灣",
            "ja": "トンキン湾",
            "ko": "통킹만",
            "vi": "Vịnh Bắc Bộ",
            "fil": "Golpo ng Tonkin",
            "ms": "Teluk Tonkin",
            "id": "Teluk Tonkin",
        },
    ),
    "gulf-of-thailand": (
        "sea",
        (102.0, 9.5),
        {
            "en": "Gulf of Thailand",
            "zh": "泰国湾",
            "zh-Hant": "泰國灣",
            "ja": "タイランド湾",
            "ko": "타이만",
            "vi": "Vịnh Thái Lan",
            "fil": "Golpo ng Taylandiya",
            "ms": "Teluk Siam",
            "id": "Teluk Thailand",
        },
    ),
    "bay-of-bengal": (
        "sea",
        (88.5, 15.0),
        {
            "en": "Bay of Bengal",
            "zh": "孟加拉湾",
            "zh-Hant": "孟加拉灣",
            "ja": "ベンガル湾",
            "ko": "벵골만",
            "vi": "Vịnh Bengal",
        },
    ),
    "taiwan-strait": (
        "strait",
        (119.6, 24.1),
        {
            "en": "Taiwan Strait",
            "zh": "台湾海峡",
            "zh-Hant": "臺灣海峽",
            "ja": "台湾海峡",
            "ko": "타이완 해협",
            "vi": "Eo biển Đài Loan",
            "fil": "Kipot ng Taiwan",
            "ms": "Selat Taiwan",
            "id": "Selat Taiwan",
        },
    ),
    "luzon-strait": (
        "strait",
        (121.0, 20.5),
        {
            "en": "Luzon Strait",
            "zh": "吕宋海峡",
            "zh-Hant": "呂宋海峽",
            "ja": "ルソン海峡",
            "ko": "루손 해협",
            "vi": "Eo biển Luzon",
            "fil": "Kipot ng Luzon",
            "ms": "Selat Luzon",
            "id": "Selat Luzon",
        },
    ),
    "bashi-channel": (
        "strait",
        (121.1, 21.6),
        {
            "en": "Bashi Channel",
            "zh": "巴士海峡",
            "zh-Hant": "巴士海峽",
            "ja": "バシー海峡",
            "ko": "바시 해협",
            "vi": "Eo biển Bashi",
            "fil": "Kipot ng Bashi",
        },
    ),
    "miyako-strait": (
        "strait",
        (126.3, 25.2),
        {
            "en": "Miyako Strait",
            "zh": "宫古海峡",
            "zh-Hant": "宮古海峽",
            "ja": "宮古海峡",
            "ko": "미야코 해협",
        },
    ),
    "pacific-ocean": (
        "sea",
        (125.5, 23.6),
        {
            "en": "Pacific Ocean",
            "zh": "太平洋",
            "zh-Hant": "太平洋",
            "ja": "太平洋",
            "ko": "태평양",
            "vi": "Thái Bình Dương",
            "fil": "Karagatang Pasipiko",
            "ms": "Lautan Pasifik",
            "id": "Samudra Pasifik",
        },
    ),
}

# Island groups: label point (lon, lat), None for the mean of the group's
# scs-features, and names (see Sources).
_GROUPS: dict[str, tuple[tuple[float, float] | None, _C]] = {
    "Spratly Islands": (
        None,
        {
            "en": "Spratly Islands",
            "zh": "南沙群岛",
            "zh-Hant": "南沙群島",
            "ja": "南沙諸島",
            "ko": "스프래틀리 군도",
            "vi": "Quần đảo Trường Sa",
            "fil": "Kapuluan ng Spratly",
            "ms": "Kepulauan Spratly",
            "id": "Kepulauan Spratly",
        },
    ),
    "Paracel Islands": (
        None,
        {
            "en": "Paracel Islands",
            "zh": "西沙群岛",
            "zh-Hant": "西沙群島",
            "ja": "西沙諸島",
            "ko": "파라셀 군도",
            "vi": "Quần đảo Hoàng Sa",
            "fil": "Kapuluan ng Paracel",
            "ms": "Kepulauan Paracel",
            "id": "Kepulauan Paracel",
        },
    ),
    "Pratas Islands": (
        None,
        {
            "en": "Pratas Islands",
            "zh": "东沙群岛",
            "zh-Hant": "東沙群島",
            "ja": "東沙諸島",
            "ko": "프라타스 군도",
            "vi": "Quần đảo Đông Sa",
            "fil": "Kapuluan ng Pratas",
        },
    ),
    "Macclesfield Bank": (
        None,
        {
            "en": "Macclesfield Bank",
            "zh": "中沙群岛",
            "zh-Hant": "中沙群島",
            "ja": "マクルスフィールド堆",
            "vi": "Bãi Macclesfield",
        },
    ),
    "Senkaku Islands": (
        (123.55, 25.83),
        {
            "en": "Senkaku / Diaoyu Islands",
            "zh": "钓鱼岛及其附属岛屿",
            "zh-Hant": "釣魚臺列嶼",
            "ja": "尖閣諸島",
            "ko": "센카쿠 열도",
            "vi": "Quần đảo Senkaku",
        },
    ),
    "Sakishima Islands": (
        (124.6, 24.0),
        {
            "en": "Sakishima Islands (Japan)",
            "zh": "先岛群岛（日本）",
            "zh-Hant": "先島群島（日本）",
            "ja": "先島諸島",
            "ko": "사키시마 제도 (일본)",
        },
    ),
    "Natuna Islands": (
        (108.2, 3.9),
        {
            "en": "Natuna Islands",
            "zh": "纳土纳群岛",
            "zh-Hant": "納土納群島",
            "ja": "ナトゥナ諸島",
            "vi": "Quần đảo Natuna",
            "ms": "Kepulauan Natuna",
            "id": "Kepulauan Natuna",
        },
    ),
    "Penghu Islands": (
        (119.55, 23.55),
        {
            "en": "Penghu Islands",
            "zh": "澎湖列岛",
            "zh-Hant": "澎湖群島",
            "ja": "澎湖諸島",
            "ko": "펑후 제도",
        },
    ),
    "Matsu Islands": (
        (119.95, 26.2),
        {
            "en": "Matsu Islands",
            "zh": "马祖列岛",
            "zh-Hant": "馬祖列島",
            "ja": "馬祖列島",
        },
    ),
}

#: What each preset names, most important first: ``country:ISO3``,
#: ``water:KEY`` (a sea or strait), ``group:NAME`` (an island group),
#: ``feature:LAYER/ID`` (a feature of the atlas, named by its own ``names``).
#: A key may end in ``@LON,LAT``: where the name stands in this preset (a
#: sea's usual point may be out of view); else a country's name stands inside
#: its largest piece in view, a group's at the mean of its features.
PRESET_LABELS: dict[str, tuple[str, ...]] = {
    "south-china-sea": (
        "country:CHN@115.2,22.55",
        "country:VNM",
        "country:PHL@121.5,16.4",
        "country:MYS",
        "water:south-china-sea",
        "group:Spratly Islands",
        "group:Paracel Islands",
        "country:TWN",
        "country:IDN",
        "country:BRN",
        "country:KHM",
        "feature:scs-features/scs-scarborough-shoal",
        "group:Pratas Islands",
        "group:Macclesfield Bank",
        "water:sulu-sea",
        "water:gulf-of-tonkin",
        "water:luzon-strait",
        "group:Natuna Islands",
        "water:gulf-of-thailand",
        "country:THA",
        "country:LAO",
        "feature:islands/island-hainan",
        "feature:islands/island-palawan",
        "feature:islands/island-borneo",
        "feature:scs-features/scs-woody-island",
        "feature:scs-features/scs-mischief-reef",
        "feature:scs-features/scs-fiery-cross-reef",
        "feature:scs-features/scs-second-thomas-shoal",
        "feature:scs-features/scs-itu-aba",
        "feature:scs-features/scs-subi-reef",
        "feature:scs-features/scs-thitu-island",
        "feature:scs-features/scs-spratly-island",
        "feature:scs-features/scs-swallow-reef",
    ),
    "senkaku": (
        "group:Senkaku Islands",
        "country:TWN",
        "water:east-china-sea@121.9,26.3",
        "group:Sakishima Islands",
        "feature:islands/island-ishigaki-jima",
        "feature:islands/island-miyako-jima",
        "feature:islands/island-yonaguni-jima",
        "feature:islands/island-iriomote-jima",
        "feature:senkaku-islands/senkaku-uotsuri-jima",
        "feature:senkaku-islands/senkaku-kuba-jima",
        "feature:senkaku-islands/senkaku-taisho-jima",
        "water:pacific-ocean@123.2,23.45",
        "country:CHN",
        "water:miyako-strait",
        "feature:islands/island-okinawa",
    ),
    "taiwan-strait": (
        "country:CHN",
        "country:TWN",
        "water:taiwan-strait",
        "feature:islands/island-kinmen",
        "group:Matsu Islands",
        "group:Penghu Islands",
        "water:east-china-sea@122.6,26.8",
        "water:south-china-sea@117.6,21.4",
        "water:philippine-sea@123.3,22.0",
        "water:bashi-channel",
        "country:PHL",
        "country:JPN",
        "group:Pratas Islands",
    ),
    "seed": (
        "country:CHN",
        "country:TWN",
        "country:IND",
        "water:south-china-sea",
        "country:JPN",
        "country:VNM",
        "country:PHL",
        "feature:land-claims/land-arunachal-pradesh",
        "feature:land-claims/land-aksai-chin",
        "country:MNG",
        "water:east-china-sea",
        "country:MMR",
        "country:THA",
        "country:MYS",
        "country:KOR",
        "country:PRK",
        "country:NPL",
        "country:BTN",
        "country:LAO",
        "country:KHM",
        "country:RUS",
        "country:KAZ",
        "country:PAK",
        "water:yellow-sea",
        "water:bay-of-bengal",
        "water:philippine-sea",
        "group:Spratly Islands",
        "group:Paracel Islands",
        "group:Senkaku Islands",
    ),
    "atlas": (
        "country:CHN",
        "country:TWN",
        "country:VNM",
        "country:PHL",
        "country:JPN",
        "water:south-china-sea",
        "water:east-china-sea",
        "group:Spratly Islands",
        "group:Paracel Islands",
        "country:MYS",
        "country:IDN",
        "country:KOR",
        "water:philippine-sea",
        "water:taiwan-strait",
        "group:Senkaku Islands",
        "water:yellow-sea",
        "country:BRN",
        "country:KHM",
        "country:THA",
        "country:LAO",
        "water:sulu-sea",
        "water:luzon-strait",
        "group:Pratas Islands",
        "group:Macclesfield Bank",
        "feature:scs-features/scs-scarborough-shoal",
        "water:gulf-of-tonkin",
        "water:gulf-of-thailand",
    ),
}

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")

#: The languages the maps name their places in: the parties' own (a place
#: without a name in one of them is named in English).
LANGS = ("en", "zh", "zh-Hant", "ja", "ko", "vi", "tl", "fil", "ms", "id")

# Another code for the same language.
_ALIASES = {"tl": "fil", "fil": "tl", "zh-Hans": "zh", "zh-TW": "zh-Hant"}


def check_lang(lang: Any) -> str:
    """``lang`` if it is a language code (``"en"``, ``"zh-Hant"``), else an error.

    Raises
    ------
    ClaimsmapError
        For anything that is not a BCP 47 language code with an optional
        script or region, and for a language the maps have no names in.

    Examples
    --------
    >>> check_lang("zh-Hant")
    'zh-Hant'
    >>> check_lang("Chinese")
    Traceback (most recent call last):
    ...
    claimsmap.errors.ClaimsmapError: lang 'Chinese' is not a language code; give one such as en, zh, zh-Hant, ja, ko, vi, tl, ms or id
    >>> check_lang("de")
    Traceback (most recent call last):
    ...
    claimsmap.errors.ClaimsmapError: lang 'de': the maps do not name their places in it; give one of en, zh, zh-Hant, ja, ko, vi, tl, fil, ms, id
    """  # noqa: E501
    if not isinstance(lang, str) or not _LANG.match(lang):
        raise ClaimsmapError(
            f"lang {lang!r} is not a language code; give one such as en, zh, "
            "zh-Hant, ja, ko, vi, tl, ms or id"
        )
    if not {lang, _ALIASES.get(lang), lang.split("-")[0]} & set(LANGS):
        raise ClaimsmapError(
            f"lang {lang!r}: the maps do not name their places in it; give one "
            f"of {', '.join(LANGS)}"
        )
    return lang


def name_in(names: Mapping[str, str], lang: str) -> str:
    """The name in ``lang``, else in its base or alias language, else English.

    ``"tl"`` and ``"fil"`` are one language (Filipino/Tagalog), ``"zh-TW"``
    is ``"zh-Hant"``; a regional or script variant falls back to its base
    language (``"zh-Hant"`` -> ``"zh"``), then to English.

    Examples
    --------
    >>> names = {"en": "Spratly Islands", "zh": "南沙群岛", "tl": "Kalayaan"}
    >>> name_in(names, "zh"), name_in(names, "fil"), name_in(names, "zh-Hant")
    ('南沙群岛', 'Kalayaan', '南沙群岛')
    >>> name_in(names, "ja")
    'Spratly Islands'
    """
    for code in (lang, _ALIASES.get(lang), lang.split("-")[0]):
        if code and names.get(code):
            return names[code]
    return names.get("en") or next(iter(names.values()), "")


@dataclass(frozen=True)
class Label:
    """One place name on a map.

    ``lon``/``lat`` in degrees is the point named; ``position`` says where the
    text stands from it (``"c"`` centred, ``"r"``, ``"l"``, ``"t"``, ``"b"``:
    right, left, above, below); ``rank`` orders importance (0 first);
    ``placed`` is whether it found room at every opening view (one that did
    not is hidden there by the page, and may show when zoomed in).
    """

    key: str
    text: str
    kind: LabelKind
    lon: float
    lat: float
    rank: int
    position: str = "c"
    placed: bool = False


# Kinds named beside their point (the others are centred on their area).
_POINT_KINDS = {"feature", "island"}

# Font size (CSS px) of each kind, as the page's CSS draws them.
_FONT = {
    "country": 14.0,
    "sea": 13.0,
    "strait": 11.5,
    "group": 12.0,
    "island": 11.0,
    "feature": 11.0,
}


def _text_size(text: str, kind: str) -> tuple[float, float]:
    """A generous estimate of a label's box in CSS pixels (width, height)."""
    size = _FONT[kind]
    em = 0.0
    for char in text:
        if ord(char) >= 0x2E80:
            em += 1.0
        elif char == " ":
            em += 0.3
        elif char.isupper():
            em += 0.7
        else:
            em += 0.58
    return em * size + 6, size * 1.35 + 4


def _project(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Leaflet's EPSG:3857 pixel coordinates at ``zoom``."""
    scale = 256 * 2**zoom
    lat = max(min(lat, 85.0511), -85.0511)
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return scale * (lon / 360 + 0.5), scale * (0.5 - y / (2 * math.pi))


def opening_view(
    bounds: tuple[float, float, float, float], size: tuple[int, int]
) -> tuple[int, float, float]:
    """Leaflet's ``fitBounds`` in a map of ``size``: zoom, and the view's centre.

    The zoom is the largest whole zoom at which the bounds fit; the centre, in
    pixels at that zoom, is the middle of the bounds.
    """
    west, south, east, north = bounds
    x0, y0 = _project(west, north, 0)
    x1, y1 = _project(east, south, 0)
    scale = min(size[0] / (x1 - x0), size[1] / (y1 - y0))
    zoom = math.log2(scale)
    zoom = round(zoom * 100) / 100  # Leaflet's 1% tolerance
    zoom = math.floor(zoom)
    (ax, ay), (bx, by) = _project(west, north, zoom), _project(east, south, zoom)
    return zoom, (ax + bx) / 2, (ay + by) / 2


def _reserved(size: tuple[int, int], title: str | None) -> list[tuple[float, ...]]:
    """Boxes of the page's controls (x0, y0, x1, y1) that no label should meet."""
    width, height = size
    boxes: list[tuple[float, ...]] = [
        (0, 0, 54, 90),  # zoom buttons
        (width - 60, 0, width, 60),  # the layer switcher, folded
        (width - 300, height * 0.55 - 30, width, height),  # legend
        (0, height - 110, 300, height),  # date slider and scale bar
        (width - 620, height - 22, width, height),  # attribution
    ]
    if title:
        title_width = min(_text_size(title, "country")[0] + 30, width - 420)
        boxes.append((46, 0, 56 + title_width + 10, 52))
    return boxes


def _meets(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box(
    x: float, y: float, w: float, h: float, position: str
) -> tuple[float, float, float, float]:
    gap = 7.0
    if position == "r":
        return (x + gap, y - h / 2, x + gap + w, y + h / 2)
    if position == "l":
        return (x - gap - w, y - h / 2, x - gap, y + h / 2)
    if position == "t":
        return (x - w / 2, y - gap - h, x + w / 2, y - gap)
    if position == "b":
        return (x - w / 2, y + gap, x + w / 2, y + gap + h)
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def place_labels(
    labels: Iterable[Label],
    bounds: tuple[float, float, float, float],
    *,
    sizes: Sequence[tuple[int, int]] = VIEW_SIZES,
    title: str | None = None,
) -> list[Label]:
    """Choose each label's position so that no two meet at the opening views.

    Labels are taken by rank; each takes the first of its candidate positions
    (areas: centred, above, below; points: right, left, above, below) whose
    box, at every size in ``sizes``, lies inside the view, clear of the page's
    controls and of every label already placed. A label that finds none
    keeps its first position and is hidden by the page while it collides.

    Parameters
    ----------
    labels : iterable of Label
    bounds : tuple of float
        ``(west, south, east, north)`` degrees the map opens on.
    sizes : sequence of (int, int)
        Map sizes in CSS pixels.
    title : str, optional
        The map's title, whose box is kept clear.

    Returns
    -------
    list of Label
        The labels, by rank, with their positions.
    """
    views = [(size, *opening_view(bounds, size)) for size in sizes]
    placed: list[list[tuple[float, ...]]] = [[] for _ in views]
    reserved = [_reserved(size, title) for size, *_ in views]
    out = []
    for label in sorted(labels, key=lambda lab: lab.rank):
        point = label.kind in _POINT_KINDS
        options = ("r", "l", "t", "b") if point else ("c", "t", "b", "r", "l")
        w, h = _text_size(label.text, label.kind)
        chosen = None
        for position in options:
            boxes = []
            for (size, zoom, cx, cy), taken, keep_out in zip(
                views, placed, reserved, strict=True
            ):
                px, py = _project(label.lon, label.lat, zoom)
                x, y = px - cx + size[0] / 2, py - cy + size[1] / 2
                b = _box(x, y, w, h, position)
                inside = b[0] >= 2 and b[1] >= 2 and b[2] <= size[0] - 2
                if not (inside and b[3] <= size[1] - 2):
                    break
                if any(_meets(b, o) for o in (*taken, *keep_out)):
                    break
                boxes.append(b)
            else:
                chosen = position
                for taken, b in zip(placed, boxes, strict=True):
                    taken.append(b)
                break
        out.append(
            Label(
                label.key,
                label.text,
                label.kind,
                label.lon,
                label.lat,
                label.rank,
                chosen or options[0],
                chosen is not None,
            )
        )
    return out


@functools.cache
def _land(code: str) -> Any:
    """A country's land in the basemap (its units with this ISO code), or None."""
    land = load(BASEMAP)
    rows = land[land["iso_a3"] == code]
    return shapely.union_all(rows.geometry.values) if len(rows) else None


@functools.cache
def _groups() -> dict[str, tuple[float, float]]:
    frame = present(load("scs-features"))
    return {
        str(group): (float(rows.geometry.x.mean()), float(rows.geometry.y.mean()))
        for group, rows in frame.groupby("group")
    }


def _country_point(
    code: str, bounds: tuple[float, float, float, float]
) -> tuple[float, float] | None:
    """Where a country's name goes: inside its largest piece in the view.

    The pole of inaccessibility of that piece (the view inset by 6 %), found
    in Mercator-stretched degrees so that it looks central on the map.
    """
    shape = _land(code)
    if shape is None:
        return None
    west, south, east, north = bounds
    dx, dy = (east - west) * 0.06, (north - south) * 0.06
    view = box(west + dx, south + dy, east - dx, north - dy)
    inside = shape.intersection(view)
    parts = [p for p in getattr(inside, "geoms", [inside]) if isinstance(p, Polygon)]
    if not parts:
        return None

    largest = max(parts, key=lambda p: shapely.transform(p, _merc_array).area)
    projected = shapely.transform(largest, _merc_array)
    if projected.area < 2e-4 * shapely.transform(view, _merc_array).area:
        return None  # a sliver at the edge of the view
    pole = polylabel(projected, tolerance=0.05)
    lat = math.degrees(2 * math.atan(math.exp(math.radians(pole.y))) - math.pi / 2)
    return float(pole.x), lat


def _merc_array(coords: Any) -> Any:
    import numpy as np

    out = coords.copy()
    out[:, 1] = np.degrees(np.log(np.tan(np.pi / 4 + np.radians(coords[:, 1]) / 2)))
    return out


@functools.cache
def _feature(layer: str, feature_id: str) -> tuple[dict[str, str], float, float]:
    frame = load(layer)
    rows = frame[frame["id"] == feature_id]
    if rows.empty:
        raise KeyError(f"{layer}/{feature_id}")
    row = rows.iloc[0]
    point = row.geometry.representative_point()
    if row.geometry.geom_type in {"Point"}:
        point = row.geometry
    return dict(row["names"]), float(point.x), float(point.y)


def _resolve(
    key: str, lang: str, bounds: tuple[float, float, float, float]
) -> tuple[str, LabelKind, float, float] | None:
    key, _, fixed_at = key.partition("@")
    kind, _, what = key.partition(":")
    at: tuple[float, float] | None = None
    if fixed_at:
        lon_text, lat_text = fixed_at.split(",")
        at = float(lon_text), float(lat_text)
    if kind == "country":
        at = at or _country_point(what, bounds)
        if at is None:
            return None
        return name_in(_COUNTRIES[what], lang), "country", *at
    if kind == "water":
        water_kind, where, names = _WATERS[what]
        return name_in(names, lang), water_kind, *(at or where)
    if kind == "group":
        fixed, names = _GROUPS[what]
        return name_in(names, lang), "group", *(at or fixed or _groups()[what])
    if kind == "feature":
        layer, _, feature_id = what.partition("/")
        names, lon, lat = _feature(layer, feature_id)
        label_kind: LabelKind = "island" if layer == "islands" else "feature"
        if layer == "land-claims":
            label_kind = "group"
        return name_in(names, lang), label_kind, *(at or (lon, lat))
    raise ValueError(f"unknown label key {key!r}")


def preset_labels(
    name: str,
    bounds: tuple[float, float, float, float],
    *,
    lang: str = "en",
    title: str | None = None,
    sizes: Sequence[tuple[int, int]] = VIEW_SIZES,
) -> list[Label]:
    """The labels of a preset, in ``lang``, placed for its opening views.

    Names missing in ``lang`` are given in English (see :func:`name_in`);
    places outside ``bounds`` are left out.

    Examples
    --------
    >>> from claimsmap.maps.presets import preset
    >>> scs = preset_labels("south-china-sea", preset("south-china-sea").bounds)
    >>> [lab.text for lab in scs[:3]]
    ['China', 'Viet Nam', 'Philippines']
    >>> zh = preset_labels("south-china-sea", preset("south-china-sea").bounds,
    ...                    lang="zh")
    >>> [lab.text for lab in zh if lab.kind == "group"][:2]
    ['南沙群岛', '西沙群岛']
    """
    west, south, east, north = bounds
    labels = []
    for rank, key in enumerate(PRESET_LABELS.get(name, ())):
        found = _resolve(key, lang, bounds)
        if found is None:
            continue
        text, kind, lon, lat = found
        if not (west <= lon <= east and south <= lat <= north):
            continue
        labels.append(Label(key, text, kind, lon, lat, rank))
    return place_labels(labels, bounds, sizes=sizes, title=title)


class LabelLayer(MacroElement):
    """The labels in their own pane above the shapes, not interactive.

    The text was escaped in Python; the page draws it as given. Labels that
    collide with a label of higher rank, leave the map or meet a control are
    hidden (``cm-hidden``) at every zoom, pan and resize of the map or of a
    control, in the next animation frame, after each has tried its other
    positions (``window.cmDeclutter()`` runs the rule at once).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var labels = {{ this.labels }};
  var pane = map.createPane("cmLabels");
  pane.style.zIndex = 450;
  pane.style.pointerEvents = "none";
  var markers = labels.map(function (l) {
    return L.marker([l.lat, l.lon], {
      pane: "cmLabels", interactive: false, keyboard: false,
      icon: L.divIcon({
        className: "cm-place cm-place-" + l.kind,
        html: '<span class="cm-at-' + l.position + '">' + l.text + "</span>",
        iconSize: [0, 0], iconAnchor: [0, 0]
      })
    }).addTo(map);
  });
  // The controls and the range rings' labels are kept clear of (the rules,
  // and the scheduling of passes, are the page's: window.cmBoxes,
  // window.cmScheduler and the rest, maps/_map.py).
  var keepClear = window.cmControls.concat([".cm-label span"]);
  var schedule = window.cmScheduler(map, function () { declutter(); });
  // A control that grows or shrinks (the layer switcher grouped, the legend
  // laid out in columns) changes the room the names have.
  var sizes = window.ResizeObserver ? new ResizeObserver(schedule) : null;
  function declutter() {
    if (window.cmPlaceRings) { window.cmPlaceRings(); }  // rings' labels first
    var frame = map.getContainer().getBoundingClientRect();
    var taken = window.cmBoxes(keepClear, function (el) {
      if (sizes) { sizes.observe(el); }
    });
    markers.forEach(function (m, i) {
      var el = m.getElement();
      if (!el) { return; }
      var span = el.firstChild, l = labels[i];
      var tries = [l.position].concat(l.point ? ["r", "l", "t", "b"] :
                                                ["c", "t", "b", "r", "l"]);
      el.classList.remove("cm-hidden");
      var fits = tries.some(function (position) {
        span.className = "cm-at-" + position;
        var r = span.getBoundingClientRect();
        if (window.cmInside(r, frame) &&
            !taken.some(function (t) { return window.cmMeets(r, t); })) {
          taken.push(r);
          return true;
        }
        return false;
      });
      if (!fits) {
        span.className = "cm-at-" + l.position;
        el.classList.add("cm-hidden");
      }
    });
  }
  window.cmDeclutter = declutter;
  map.on("zoomend moveend resize overlayadd overlayremove", schedule);
  if (sizes) { sizes.observe(map.getContainer()); }
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(schedule); }
  window.addEventListener("load", schedule);
  schedule();
})();
{% endmacro %}
"""
    )

    def __init__(self, labels: Sequence[Label]) -> None:
        super().__init__()
        self._name = "LabelLayer"
        self.labels = script_json(
            [
                {
                    "text": escape(lab.text),
                    "kind": lab.kind,
                    "lat": round(lab.lat, 4),
                    "lon": round(lab.lon, 4),
                    "position": lab.position,
                    "point": lab.kind in _POINT_KINDS,
                }
                for lab in labels
            ]
        )


#: The labels' CSS; the font sizes match :data:`_FONT`.
LABEL_CSS = """
.cm-place { pointer-events: none; }
.cm-place span { position: absolute; white-space: nowrap; line-height: 1.35;
  text-shadow: 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
.cm-place.cm-hidden { visibility: hidden; }
.cm-place-country span { font-size: 14px; font-weight: 600; color: #5b5346;
  letter-spacing: .02em; }
.cm-place-sea span { font-size: 13px; font-style: italic; color: #2a5b84; }
.cm-place-strait span { font-size: 11.5px; font-style: italic; color: #2a5b84; }
.cm-place-group span { font-size: 12px; font-weight: 600; color: #222; }
.cm-place-island span, .cm-place-feature span { font-size: 11px; color: #222; }
.cm-at-c { transform: translate(-50%, -50%); }
.cm-at-r { transform: translate(7px, -50%); }
.cm-at-l { transform: translate(calc(-100% - 7px), -50%); }
.cm-at-t { transform: translate(-50%, calc(-100% - 7px)); }
.cm-at-b { transform: translate(-50%, 7px); }
"""
