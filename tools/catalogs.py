#!/usr/bin/env python3
"""Translation catalogs: extract every text to translate, merge it into the PO files, compile them.

Usage (from the repository, with the test extra installed):
  .venv/bin/python tools/catalogs.py extract   # write cli/locale/ali-cancel.pot, merge into each PO
  .venv/bin/python tools/catalogs.py compile   # PO -> MO (shipped in the wheel)
  .venv/bin/python tools/catalogs.py check     # exit 1 when a catalog is out of date

Texts come from three places: `_("...")` and `ngettext(...)` in cli/*.py; the built-in rule file
(questions, labels, titles, steps, notes, alternatives, deadline labels, what each message is for;
not the guide headings quoted as sources, and not the drafts, which stay English); and the strings
that Typer and its vendored Click translate with gettext (usage, "Options", errors).
"""

from __future__ import annotations

import ast
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "cli" / "locale"
DOMAIN = "ali-cancel"
LANGUAGES = {"es": "es", "fr": "fr", "pt-BR": "pt_BR", "pl": "pl", "ru": "ru"}

Message = tuple[str, str | None, str]  # (msgid, plural msgid or None, where)


def _calls(path: Path, where: str) -> Iterator[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.func.id == "_" and len(texts) == 1:
            yield texts[0], None, f"{where}:{node.lineno}"
        elif node.func.id == "ngettext" and len(texts) == 2:
            yield texts[0], texts[1], f"{where}:{node.lineno}"


def _ours() -> Iterator[Message]:
    for path in sorted((ROOT / "cli").glob("*.py")):
        yield from _calls(path, f"cli/{path.name}")


def _typer() -> Iterator[Message]:
    import typer

    base = Path(typer.__file__).parent
    for path in sorted([*base.glob("*.py"), *(base / "_click").glob("*.py")]):
        yield from _calls(path, f"typer/{path.relative_to(base)}")


def _rules() -> Iterator[Message]:
    sys.path.insert(0, str(ROOT))
    from ali_cancel.loader import builtin_path, load_bytes
    from ali_cancel.safeyaml import read_file

    path = builtin_path()
    rules = load_bytes(read_file(path), path)
    where = "rules/aliexpress.yaml"
    texts = [rules.title, *(title for _, title in rules.actions), *(d.label for d in rules.deadlines)]
    for question in rules.questions:
        texts += [question.text, question.help, *(choice.label for choice in question.choices)]
    for outcome in rules.outcomes:
        texts += [outcome.title, *outcome.steps, *(n.text for n in outcome.notes)]
        texts += [a.why for a in outcome.alternatives]
    texts += [message.about for message in rules.messages]
    for text in texts:
        yield text, None, where


def extract() -> Catalog:
    catalog = Catalog(project="ali-cancel", domain=DOMAIN, fuzzy=False)
    for msgid, plural, where in [*_ours(), *_rules(), *_typer()]:
        key = (msgid, plural) if plural else msgid
        path, _, line = where.partition(":")
        catalog.add(key, locations=[(path, int(line) if line else None)])
    return catalog


def _dump(catalog: Catalog, *, template: bool) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, ignore_obsolete=True,
             include_lineno=False)
    return buffer.getvalue()


def po_path(code: str) -> Path:
    return LOCALE / LANGUAGES[code] / "LC_MESSAGES" / f"{DOMAIN}.po"


def merged(code: str, template: Catalog) -> Catalog:
    """The language's PO file with every text of the template: translations kept, new ones empty."""
    path = po_path(code)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=LANGUAGES[code])
        catalog.update(template, no_fuzzy_matching=True)
    else:
        catalog = Catalog(locale=LANGUAGES[code], domain=DOMAIN, project="ali-cancel")
        catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False  # a fuzzy header would be left out of the MO file, plural forms and all
    return catalog


def compiled(code: str) -> bytes:
    with po_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGES[code])
    catalog.fuzzy = False
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    template = extract()
    stale = []
    outputs: dict[Path, bytes] = {LOCALE / f"{DOMAIN}.pot": _dump(template, template=True)}
    for code in LANGUAGES:
        outputs[po_path(code)] = _dump(merged(code, template), template=False)
    if command == "extract":
        for path, data in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return 0
    if command == "compile":
        for code in LANGUAGES:
            po_path(code).with_suffix(".mo").write_bytes(compiled(code))
        return 0
    for path, data in outputs.items():
        if not path.exists() or _strip_dates(path.read_bytes()) != _strip_dates(data):
            stale.append(f"{path.relative_to(ROOT)} is out of date: run tools/catalogs.py extract")
    for code in LANGUAGES:
        mo = po_path(code).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(code):
            stale.append(f"{mo.relative_to(ROOT)} is out of date: run tools/catalogs.py compile")
    print("\n".join(stale) or "catalogs up to date")
    return 1 if stale else 0


def _strip_dates(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines() if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
