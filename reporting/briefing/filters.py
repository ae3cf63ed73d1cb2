"""Filters of the briefing templates: numbers the way the county's reports write them.

Built into the briefing's template engine (no `{% load %}` needed). Each filter follows the active
language: in Chinese `1725亩`, `26亿元`, `1000多米`, `40%`; in English `1,725 mu`, `CNY 2.6 billion`,
`more than 1,000 m`, `40%`.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import dateformat, translation

register = template.Library()

WAN_PER_YI = Decimal(10_000)
CN_DIGITS = "零一二三四五六七八九"
UNITS = {
    "zh": {"m": "米", "km": "公里", "m³": "立方米", "m3": "立方米", "m²": "平方米", "m2": "平方米", "t": "吨"},
    "en": {
        "米": "m",
        "公里": "km",
        "亩": "mu",
        "层": "floors",
        "座": "units",
        "穴": "burial places",
        "间": "rooms",
        "个": "units",
        "吨": "t",
        "方": "m³",
    },
}


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _plain(value: Decimal, *, grouped: bool) -> str:
    """No exponent, no trailing zeros; thousands separated when `grouped`."""
    value = value.normalize() if value != value.to_integral_value() else value.to_integral_value()
    text = f"{value:,f}" if grouped else f"{value:f}"
    return text


@register.filter
def num(value) -> str:
    """1725.00 → "1725" (Chinese) or "1,725" (English); 7.10 → "7.1"."""
    number = _decimal(value)
    return "" if number is None else _plain(number, grouped=english())


@register.filter
def about(value) -> str:
    """A measured quantity as reports round it: 1034 → "1000多" / "more than 1,000"; exact when round."""
    number = _decimal(value)
    if number is None:
        return ""
    if number < 100:
        return num(number)
    step = Decimal(10) ** (len(str(int(number))) - 2)
    floor = (number // step) * step
    if floor == number:
        return num(number)
    return f"more than {num(floor)}" if english() else f"{num(floor)}多"


@register.filter
def wan(value) -> str:
    """Money held in 万元: "550万元", from 10,000 万元 on "2.6亿元"; in English "CNY 5.5 million"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if english():
        cny = amount * WAN_PER_YI
        for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
            if cny >= size:
                return f"CNY {num((cny / size).quantize(Decimal('0.01'), ROUND_HALF_UP))} {word}"
        return f"CNY {num(cny.quantize(Decimal(1), ROUND_HALF_UP))}"
    if amount >= WAN_PER_YI:
        return f"{num((amount / WAN_PER_YI).quantize(Decimal('0.01'), ROUND_HALF_UP))}亿元"
    return f"{num(amount)}万元"


@register.filter
def pct(value) -> str:
    """40.0 → "40%", 41.67 → "41.7%"."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{_plain(number.quantize(Decimal('0.1'), ROUND_HALF_UP), grouped=False)}%"


@register.filter
def points(value) -> str:
    """A difference of percentages, without its sign: "19.3个百分点" / "19.3 percentage points"."""
    number = _decimal(value)
    if number is None:
        return ""
    text = _plain(abs(number).quantize(Decimal("0.1"), ROUND_HALF_UP), grouped=False)
    return f"{text} percentage points" if english() else f"{text}个百分点"


@register.filter
def cn_ordinal(value) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99; larger numbers stay digits)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if not tens:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@register.filter
def unit(value) -> str:
    """A unit as the language writes it: m → 米 in Chinese, 亩 → mu in English; others as they are."""
    text = str(value or "")
    return UNITS["en" if english() else "zh"].get(text, text)


@register.filter
def day(value) -> str:
    """A date without its year: "6月20日" / "20 June"."""
    if not isinstance(value, datetime.date):
        return ""
    return dateformat.format(value, "j F") if english() else f"{value.month}月{value.day}日"


@register.filter
def full_date(value) -> str:
    """ "2018年6月11日" / "11 June 2018"."""
    if not isinstance(value, datetime.date):
        return ""
    return dateformat.format(value, "j F Y") if english() else f"{value.year}年{value.month}月{value.day}日"


@register.filter
def sentence(value) -> str:
    """Text that ends as a sentence does: adds "。" (or ".") where it has no closing punctuation."""
    text = str(value or "").strip()
    if not text:
        return ""
    if text[-1] in ".!?。！？；…":
        return text
    return text + ("." if english() else "。")
