"""Choosing the loket for a firm: the routing table, first match wins (pure functions).

A route's conditions are checked with what is known about the firm. A condition that
cannot be checked yet (the size is not asked yet; only the province is known while the
route lists municipalities of that province) makes the decision wait: `route_firm`
returns None rather than guessing, and `needs_municipality` tells the dialogue whether
to ask for the municipality.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.loket.registry import Loket, Registry, Route


@dataclass(frozen=True)
class Firm:
    """What the entrepreneur told about the firm.

    Attributes:
        municipality: the official (CBS) municipality name, when known.
        province: the province as in gemeenten.csv, when known.
        employees: the number of people, the entrepreneur included, when known.
    """

    municipality: str | None
    province: str | None
    employees: int | None


@dataclass(frozen=True)
class Routing:
    """The outcome: the route that matched and its loket, or the lokets to choose from."""

    route: Route
    lokets: tuple[Loket, ...]

    @property
    def loket(self) -> Loket | None:
        """The loket, when the route gives exactly one."""
        return self.lokets[0] if len(self.lokets) == 1 else None

    @property
    def is_choice(self) -> bool:
        """The entrepreneur chooses between several lokets (region not certain)."""
        return len(self.lokets) > 1


def _all(*results: bool | None) -> bool | None:
    """Three-valued AND: False beats unknown (None), unknown beats True."""
    if False in results:
        return False
    if None in results:
        return None
    return True


def _size_ok(route: Route, employees: int | None) -> bool | None:
    if route.min_employees is None and route.max_employees is None:
        return True
    if employees is None:
        return None
    if route.min_employees is not None and employees < route.min_employees:
        return False
    return not (route.max_employees is not None and employees > route.max_employees)


def _province_ok(route: Route, firm: Firm) -> bool | None:
    if route.provinces is None:
        return True
    if firm.province is None:
        return None
    return firm.province in route.provinces


def _municipality_ok(route: Route, firm: Firm, provinces_of: Mapping[str, str]) -> bool | None:
    if route.municipalities is None:
        return True
    if firm.municipality is not None:
        return firm.municipality in route.municipalities
    if firm.province is None:
        return None
    if any(provinces_of.get(name) == firm.province for name in route.municipalities):
        return None
    return False


def matches(route: Route, firm: Firm, provinces_of: Mapping[str, str]) -> bool | None:
    """Whether a route's conditions hold for the firm (None: not known yet).

    Args:
        route: one row of the routing table.
        firm: what is known about the firm.
        provinces_of: official municipality name → province.

    """
    return _all(_size_ok(route, firm.employees), _province_ok(route, firm), _municipality_ok(route, firm, provinces_of))


def route_firm(registry: Registry, firm: Firm) -> Routing | None:
    """The loket (or the lokets to choose from) for a firm; None when more facts are needed.

    Args:
        registry: the loket registry with its routing table.
        firm: what is known about the firm.

    """
    for route in registry.routes:
        outcome = matches(route, firm, registry.provinces_of)
        if outcome is None:
            return None
        if not outcome:
            continue
        if route.loket is not None:
            return Routing(route, (registry.loket(route.loket),))
        serving = [loket_id for loket_id, names in route.per_municipality.items() if firm.municipality in names]
        chosen = serving if len(serving) == 1 else (serving or list(route.choice))
        return Routing(route, tuple(registry.loket(loket_id) for loket_id in chosen))
    return None  # pragma: no cover - the registry guarantees a catch-all last route


def _boundary_sizes(registry: Registry) -> list[int]:
    """Sizes on both sides of every size limit in the routing table."""
    sizes = {1}
    for route in registry.routes:
        for limit in (route.min_employees, route.max_employees):
            if limit is not None:
                sizes.update({limit - 1, limit, limit + 1})
    return sorted(size for size in sizes if size >= 1)


def needs_municipality(registry: Registry, province: str, employees: int | None) -> bool:
    """Whether the municipality matters for routing a firm in `province`.

    It matters when some route lists municipalities of that province and would be
    checked before a route that decides on the province alone (for instance Haaglanden
    in Zuid-Holland, the Amsterdam region in Noord-Holland), for the given size or, when
    the size is not known yet, for any size.

    Args:
        registry: the loket registry.
        province: the province the entrepreneur named.
        employees: the number of people, when known.

    """
    sizes = [employees] if employees is not None else _boundary_sizes(registry)
    return any(route_firm(registry, Firm(None, province, size)) is None for size in sizes)
