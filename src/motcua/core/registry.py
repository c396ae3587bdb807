"""One small plugin registry: a name -> class (or factory, or value) map per kind of plugin.

Payment gateways, notification providers, population register adapters and printout forms each
keep one `Registry`; a future postal, signing, queue or national-service adapter family makes its
own the same way. Plugins register under the name the settings use (PAYMENT_GATEWAY,
MOTCUA_SMS_PROVIDER, POPULATION_REGISTER ...); the code that uses them asks `get(name)`.

- `named(name)` is the class decorator an adapter family offers as its `register`: it sets the
  class's `name` and registers it.
- `register(item, name=None)` (also a class decorator) adds a plugin under `name`, by default its
  `name` attribute. A second, different plugin under a taken name is a programming error
  (ValueError) unless `replace=True`.
- `get(name)` returns it. An unknown name raises the family's error (`unknown`, by default
  `UnknownPlugin`) with a message naming the known ones. A plugin marked `simulator = True` is
  handed out only where simulators may run (`core.simulators`), so every family keeps that rule.
"""
from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class UnknownPlugin(KeyError):
    """A name no plugin of the family is registered under (a KeyError, as for a dict)."""

    def __str__(self) -> str:  # the message as written, not KeyError's quoted repr
        return str(self.args[0]) if self.args else ""


class Registry(Generic[T]):
    def __init__(self, kind: str, *, setting: str = "", unknown: type[Exception] = UnknownPlugin):
        self.kind = kind  # "payment gateway": for messages and the simulator rule
        self.setting = setting  # the setting that names the plugin in use, for the message
        self.unknown = unknown
        self._items: dict[str, T] = {}

    def register(self, item: T, name: str | None = None, *, replace: bool = False) -> T:
        name = name or getattr(item, "name", "")
        if not name:
            raise ValueError(f"a {self.kind} needs a name")
        if not replace and name in self._items and self._items[name] is not item:
            raise ValueError(f"{self.kind} {name!r} is already registered ({self._items[name]!r})")
        self._items[name] = item
        return item

    def named(self, name: str):
        """Class decorator: register the class under `name` and set its `name` attribute
        (`register = FAMILY.named`, then `@register("simulator")`)."""

        def decorate(cls):
            cls.name = name
            return self.register(cls)

        return decorate

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def get(self, name: str) -> T:
        try:
            item = self._items[name]
        except KeyError:
            where = f" (setting {self.setting})" if self.setting else ""
            raise self.unknown(
                f"unknown {self.kind} {name!r}{where}; known: {', '.join(self.names()) or 'none'}"
            ) from None
        if self.is_simulator(name):
            from .simulators import require_simulators_allowed

            require_simulators_allowed(self.kind, name)
        return item

    def is_simulator(self, name: str) -> bool:
        """A registered local stand-in (`simulator = True`); False for an unknown name."""
        return bool(getattr(self._items.get(name), "simulator", False))

    def names(self) -> list[str]:
        return sorted(self._items)

    def items(self) -> dict[str, T]:
        return dict(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items
