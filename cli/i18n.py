"""The language of the texts: chosen once, before Typer is imported, from --lang or the environment.

English needs nothing: no catalog is read and gettext is not imported. Another language loads one
compiled catalog (locale/LANG/LC_MESSAGES/ali-cancel.mo) for our strings, the rule file's and
Typer's and Click's own, which read the same catalog through gettext's default domain.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

DOMAIN = "ali-cancel"
LANGUAGES = ("en", "es", "fr", "pt-BR", "pl", "ru")
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class Chosen:
    """The language in use, and its catalog (None for English)."""

    code = "en"
    catalog: Any = None  # a GNUTranslations while a language other than English is chosen


chosen = Chosen()


def _(text: str) -> str:
    """`text` in the chosen language (itself in English, or when the catalog lacks it)."""
    return text if chosen.catalog is None else str(chosen.catalog.gettext(text))


def ngettext(singular: str, plural: str, count: int) -> str:
    if chosen.catalog is None:
        return singular if count == 1 else plural
    return str(chosen.catalog.ngettext(singular, plural, count))


def folder(code: str) -> str:
    """The catalog folder of a language code: pt-BR -> pt_BR."""
    return code.replace("-", "_")


def match(name: str) -> str | None:
    """The language of ours that a locale name asks for (fr_CA.UTF-8 -> fr), or None."""
    base = name.split(".", maxsplit=1)[0].split("@", maxsplit=1)[0].replace("-", "_").lower()
    if not base or base in ("c", "posix"):
        return None
    for code in LANGUAGES:
        if base == code.lower().replace("-", "_") or base.split("_")[0] == code.split("-")[0].lower():
            return code
    return None


def from_environment(environ: Any = os.environ) -> str:
    """LANGUAGE, LC_ALL, LC_MESSAGES, LANG, in that order: the first that is set decides."""
    for variable in _ENVIRONMENT:
        value = environ.get(variable, "")
        if value:
            for name in value.split(":"):  # LANGUAGE may list several, best first
                code = match(name)
                if code is not None:
                    return code
            return "en"
    return "en"


def take_lang(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """--lang CODE (or --lang=CODE) anywhere before `--`, and the arguments without it."""
    rest: list[str] = []
    chosen: str | None = None
    words = list(argv)
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            rest += words[index:]
            break
        if word == "--lang" and index + 1 < len(words):
            chosen, index = words[index + 1], index + 2
            continue
        if word.startswith("--lang="):
            chosen = word.partition("=")[2]
        else:
            rest.append(word)
        index += 1
    return chosen, rest


def choose(code: str | None) -> str:
    """Install the language: `code` from --lang (None: the environment's). ValueError for an unknown code."""
    if code is not None:
        wanted = {c.lower(): c for c in LANGUAGES}.get(code.replace("_", "-").lower())
        if wanted is None:
            raise ValueError(f"--lang: unknown language {code!r}: use one of {', '.join(LANGUAGES)}")
    else:
        wanted = from_environment()
    chosen.code, chosen.catalog = wanted, None
    if wanted == "en":
        return wanted
    import gettext

    path = os.path.join(LOCALE_DIR, folder(wanted), "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with open(path, "rb") as handle:
            chosen.catalog = gettext.GNUTranslations(handle)
    except OSError:
        chosen.code = "en"
        return chosen.code
    # Typer and Click translate with gettext's default domain, reading the language from the
    # environment: point both at our catalog and our choice (before Typer is imported).
    os.environ["LANGUAGE"] = folder(wanted)
    gettext.bindtextdomain(DOMAIN, LOCALE_DIR)
    gettext.textdomain(DOMAIN)
    return wanted


def english_note(about: str) -> str:
    """Why a draft stays English, and what it asks for, in the chosen language ('' in English)."""
    if chosen.catalog is None:
        return ""
    return _(
        "The message stays in English: sellers read it, and AliExpress's chat translates it. "
        "It is for this: {about}."
    ).format(about=about)
