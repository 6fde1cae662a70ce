"""The locales the platform speaks, their URL prefixes and negotiation."""

from __future__ import annotations

LOCALES: tuple[str, ...] = ("zh-Hant", "zh-Hans", "en")
DEFAULT_LOCALE = "zh-Hant"
URL_PREFIX = {"zh-Hant": "zh-hant", "zh-Hans": "zh-hans", "en": "en"}
PREFIX_LOCALE = {v: k for k, v in URL_PREFIX.items()}
#: Names of each locale in itself, for the language switcher.
AUTONYM = {"zh-Hant": "繁體", "zh-Hans": "简体", "en": "English"}
#: The HTML ``lang`` value of each locale (Hong Kong usage for Traditional Chinese).
HTML_LANG = {"zh-Hant": "zh-Hant-HK", "zh-Hans": "zh-Hans-CN", "en": "en"}


def normalise_locale(tag: str | None) -> str | None:
    """Map a BCP 47 tag (``zh-HK``, ``zh-TW``, ``zh-CN``, ``zh-hans``, ``en-GB`` …) onto one of ours."""
    if not tag:
        return None
    t = tag.strip().replace("_", "-").lower()
    if not t:
        return None
    if t.startswith("zh"):
        if "hans" in t or t in {"zh-cn", "zh-sg", "zh-my"}:
            return "zh-Hans"
        if "hant" in t or t in {"zh-hk", "zh-tw", "zh-mo", "zh"}:
            return "zh-Hant"
        return "zh-Hant"
    if t.split("-")[0] == "en":
        return "en"
    return None


def negotiate(accept_language: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Pick the best of our locales from an Accept-Language header (q-values honoured)."""
    if not accept_language:
        return default
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        locale = normalise_locale(tag)
        if locale and q > 0:
            choices.append((-q, index, locale))
    if not choices:
        return default
    return sorted(choices)[0][2]
