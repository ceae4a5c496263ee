"""Field names and help text of the typed config dataclasses, as ``--help`` lists options."""

from __future__ import annotations

from dataclasses import fields


class Documented:
    """Mixin for a config dataclass whose every field carries ``metadata["help"]``."""

    @classmethod
    def keys(cls) -> list[str]:
        """Return the field names, in declaration order."""
        return [f.name for f in fields(cls)]

    @classmethod
    def help(cls) -> str:
        """Return one ``key: help`` line per field, as ``--help`` lists options."""
        return "\n".join(f"  {f.name}: {f.metadata['help']}" for f in fields(cls))
