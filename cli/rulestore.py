"""Finds the rule files (the built-in one ships in the package) and keeps their compiled cache.

Parsing YAML is off the hot path: a rule file is built once (loader.py) and kept as plain data,
keyed by its exact bytes and the code that builds it. Loading from the cache imports neither
PyYAML nor the loader.
"""

from __future__ import annotations

from typing import Any

from .model import RuleSet
from .safeyaml import read_file

CACHE_FORMAT = "ali-cancel rules 2"


def check_file(path: str | None) -> tuple[str, RuleSet]:
    """Read and check the rule file at `path` (None: the built-in one) afresh, never from the cache."""
    from .loader import load_bytes

    source = path or builtin_path()
    return source, load_bytes(read_file(source), source)


def builtin_path() -> str:
    """The path of the built-in rule file, shipped in the package as ali_cancel.rules."""
    import os

    beside = os.path.join(os.path.dirname(__file__), "rules", "aliexpress.yaml")
    if os.path.isfile(beside):  # the usual install: skips importing importlib.resources
        return beside
    from importlib.resources import files

    return str(files("ali_cancel.rules").joinpath("aliexpress.yaml"))


def cache_dir() -> str | None:
    """The folder of our caches (never the user's data): ALI_CANCEL_CACHE_DIR, else XDG's; None: no cache."""
    import os

    configured = os.environ.get("ALI_CANCEL_CACHE_DIR")
    if configured is not None:
        return configured or None  # set but empty: no cache
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not base:
        home = os.path.expanduser("~")
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "ali-cancel")


def code_version(
    names: tuple[str, ...] = ("loader.py", "rulefile.py", "model.py", "safeyaml.py", "facts.py"),
) -> str:
    """The modules a cache entry was made by (the rule builder by default): a change to any invalidates it."""
    import os

    parts = []
    for name in names:
        try:
            stat = os.stat(os.path.join(os.path.dirname(__file__), name))
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:?")
    return ";".join(parts)


def cache_file(kind: str, source: str) -> str | None:
    """The cache file of `kind` for the file at `source` (None: no cache), named by a CRC-32 of its path.

    Not hashlib: it loads OpenSSL, 3 ms and 3.6 MiB on every one-shot run (tests/bench/startup.py
    shows the peak memory). A clash of two paths costs only a cache miss: an entry is used only
    when it holds the very bytes of the file.
    """
    import os
    import zlib

    directory = cache_dir()
    if not directory:
        return None
    key = zlib.crc32(os.path.abspath(source).encode("utf-8", "surrogateescape"))
    return os.path.join(directory, f"{kind}-{key:08x}.marshal")


def load_rules(path: str | None) -> RuleSet:
    """The rules at `path` (None: the built-in file), in the chosen language where a catalog has it."""
    from . import i18n

    rules = _load_compiled(path)
    return rules if i18n.chosen.catalog is None else rules.translated(i18n._)


def _load_compiled(path: str | None) -> RuleSet:
    """The rules at `path` (None: the built-in file), from the compiled cache when it is current.

    An entry is used only when it holds exactly these bytes of YAML and was made by this code, so
    it is never stale. The cache is never fatal: unreadable, corrupt or unwritable, the YAML is
    parsed and used.
    """

    from .model import from_plain, to_plain

    source = path or builtin_path()
    data = read_file(source)
    version = code_version()
    cached = cache_file("rules", source)
    stored = read_cache(cached) if cached else None
    if (
        stored
        and stored.get("format") == CACHE_FORMAT
        and stored.get("source") == data
        and stored.get("code") == version
    ):
        try:
            return from_plain(stored["rules"])
        except Exception:  # noqa: S110 - any trouble with the cache means: parse the YAML
            pass
    from .loader import load_bytes

    rules = load_bytes(data, source)
    if cached:
        write_cache(
            cached, {"format": CACHE_FORMAT, "code": version, "source": data, "rules": to_plain(rules)}
        )
    return rules


def read_cache(path: str) -> dict[str, Any] | None:
    """A cache file of ours as plain data, or None (missing, unreadable, damaged): never fatal."""
    import marshal  # built in: no import cost, and the fastest load of plain data

    try:
        with open(path, "rb") as handle:
            # our own file in the user's own cache: loading data runs nothing
            stored = marshal.loads(handle.read())  # noqa: S302
    except Exception:
        return None
    return stored if isinstance(stored, dict) else None


def write_cache(path: str, entry: dict[str, Any]) -> None:
    """Replace a cache file at once (a reader sees the old one or the new one); never fatal."""
    import marshal
    import os

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(marshal.dumps(entry))
        os.replace(temporary, path)
    except (OSError, ValueError):
        pass
