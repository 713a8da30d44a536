"""Loading and validating the loket registry (`bot/loket/lokets.yml`).

The registry is the single source of the first-line desks (lokets), the routing table
that picks one for a firm, and the regional programmes named for the KVK route. Policy
staff edit it; `load_registry` checks every entry against the municipality list and the
scan content and raises `RegistryError` naming the entry and the field when something
is wrong, so that a broken file stops the action server at start-up.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.firm.location import gazetteer
from bot.scan.content import get_content

REGISTRY_PATH = Path(__file__).with_name("lokets.yml")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class RegistryError(ValueError):
    """The registry file is missing, malformed or inconsistent.

    The message names the file, the entry and the field.
    """


@dataclass(frozen=True)
class Loket:
    """A first-line desk for entrepreneurs."""

    id: str
    name: str
    description: str
    website: str | None
    min_employees: int | None = None
    max_employees: int | None = None
    partners: Mapping[str, str] = field(default_factory=dict)
    """Next-step partner per phase id (only where the policy names one)."""
    subsidies: tuple[str, ...] = ()
    """Subsidy ids from the scan content that may fit (only where the policy names them)."""
    indicative: bool = False
    to_check: str | None = None


@dataclass(frozen=True)
class Route:
    """One row of the routing table; every condition that is set must hold."""

    id: str
    loket: str | None
    min_employees: int | None = None
    max_employees: int | None = None
    provinces: frozenset[str] | None = None
    municipalities: frozenset[str] | None = None
    per_municipality: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """For a route split by municipality: loket id → municipalities it serves."""
    choice: tuple[str, ...] = ()
    """Loket ids offered when the municipality is unknown or in no list (or in several)."""

    @property
    def catch_all(self) -> bool:
        """True when the route has no conditions."""
        return (
            self.min_employees is None
            and self.max_employees is None
            and self.provinces is None
            and self.municipalities is None
        )


@dataclass(frozen=True)
class Registry:
    """All lokets, the routing table in order, and regional programmes per province."""

    lokets: Mapping[str, Loket]
    routes: tuple[Route, ...]
    regional_programmes: Mapping[str, tuple[str, ...]]
    provinces_of: Mapping[str, str]
    """Official municipality name → province (CBS), for routes that list municipalities."""

    def loket(self, loket_id: str) -> Loket:
        """Return the loket with this id.

        Raises:
            KeyError: no loket has this id.

        """
        return self.lokets[loket_id]

    def route(self, route_id: str) -> Route:
        """Return the route with this id.

        Raises:
            KeyError: no route has this id.

        """
        for route in self.routes:
            if route.id == route_id:
                return route
        raise KeyError(route_id)


class _Reader:
    """Reads typed fields and names the entry and field when one is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> RegistryError:
        return RegistryError(f"{self.path}: {where}: {problem}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a mapping")
        return value

    def sequence(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, "must be a non-empty list")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}, field '{key}'", "must be a non-empty text")
        return value.strip()

    def identifier(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = self.text(data, key, where)
        if not _ID.match(value):
            raise self.fail(f"{where}, field '{key}'", f"'{value}' must be lower-case letters, digits and _")
        return value

    def count(self, data: Mapping[str, Any], key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(f"{where}, field '{key}'", f"must be a whole number of 1 or more, not {value!r}")
        return value

    def known_allowed(self, data: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")

    def entry(
        self, item: Any, where: str, kind: str, allowed: set[str], taken: set[str]
    ) -> tuple[str, Mapping[str, Any], str]:
        """An entry's id, its fields and how errors name it; unknown fields and reused ids fail."""
        entry = self.mapping(item, where)
        entry_id = self.identifier(entry, "id", where)
        where = f"{kind} '{entry_id}'"
        self.known_allowed(entry, where, allowed)
        if entry_id in taken:
            raise self.fail(where, "the id is used twice")
        return entry_id, entry, where

    def size_limits(self, data: Mapping[str, Any], where: str) -> tuple[int | None, int | None]:
        low = self.count(data, "min_medewerkers", where)
        high = self.count(data, "max_medewerkers", where)
        if low is not None and high is not None and low > high:
            raise self.fail(f"{where}, field 'min_medewerkers'", f"{low} is more than max_medewerkers {high}")
        return low, high


_LOKET_FIELDS = {
    "id", "naam", "beschrijving", "website", "min_medewerkers", "max_medewerkers", "partners", "subsidies",
    "indicatief", "controleren",
}  # fmt: skip
_ROUTE_FIELDS = {
    "id", "loket", "min_medewerkers", "max_medewerkers", "provincies", "gemeenten", "per_gemeente", "keuze",
}  # fmt: skip


def parse_registry(
    raw: Any, path: Path, municipalities: Mapping[str, str], phase_ids: set[str], subsidy_ids: set[str]
) -> Registry:
    """Build and validate a `Registry` from parsed YAML.

    Args:
        raw: the parsed YAML document.
        path: the file it came from, used in error messages.
        municipalities: official municipality name → province (CBS).
        phase_ids: the phase ids of the scan content (for `partners`).
        subsidy_ids: the subsidy ids of the scan content (for `subsidies`).

    Raises:
        RegistryError: an entry or field is wrong; the message names both.

    """
    r = _Reader(path)
    doc = r.mapping(raw, "(document)")
    provinces = set(municipalities.values())

    lokets: dict[str, Loket] = {}
    for i, item in enumerate(r.sequence(doc.get("lokets"), "lokets")):
        loket_id, entry, where = r.entry(item, f"lokets[{i}]", "loket", _LOKET_FIELDS, set(lokets))
        website = entry.get("website")
        if website is not None and (not isinstance(website, str) or not website.startswith("https://")):
            raise r.fail(f"{where}, field 'website'", f"must be an https:// address or null, not {website!r}")
        partners = r.mapping(entry.get("partners", {}), f"{where}, field 'partners'")
        for phase in partners:
            if phase not in phase_ids:
                raise r.fail(
                    f"{where}, field 'partners'", f"unknown phase '{phase}'; known: {', '.join(sorted(phase_ids))}"
                )
            r.text(partners, phase, f"{where}, partners")
        subsidies = entry.get("subsidies", [])
        if not isinstance(subsidies, list) or any(s not in subsidy_ids for s in subsidies):
            raise r.fail(
                f"{where}, field 'subsidies'",
                f"must list subsidy ids from the scan content: {', '.join(sorted(subsidy_ids))}",
            )
        indicative = entry.get("indicatief", False)
        if not isinstance(indicative, bool):
            raise r.fail(f"{where}, field 'indicatief'", "must be true or false")
        to_check = entry.get("controleren")
        if indicative and (not isinstance(to_check, str) or not to_check.strip()):
            raise r.fail(f"{where}, field 'controleren'", "an indicative entry must say what to check")
        low, high = r.size_limits(entry, where)
        lokets[loket_id] = Loket(
            id=loket_id,
            name=r.text(entry, "naam", where),
            description=r.text(entry, "beschrijving", where),
            website=website,
            min_employees=low,
            max_employees=high,
            partners={k: str(v).strip() for k, v in partners.items()},
            subsidies=tuple(subsidies),
            indicative=indicative,
            to_check=to_check,
        )

    def municipality_set(value: Any, where: str) -> frozenset[str]:
        names = r.sequence(value, where)
        for name in names:
            if name not in municipalities:
                raise r.fail(where, f"'{name}' is not an official municipality name (see gemeenten.csv)")
        return frozenset(names)

    def loket_ref(value: Any, where: str) -> str:
        if value not in lokets:
            raise r.fail(where, f"unknown loket '{value}'; known: {', '.join(lokets)}")
        return str(value)

    routes: list[Route] = []
    for i, item in enumerate(r.sequence(doc.get("routes"), "routes")):
        route_id, entry, where = r.entry(item, f"routes[{i}]", "route", _ROUTE_FIELDS, {x.id for x in routes})
        route_provinces = None
        if "provincies" in entry:
            route_provinces = frozenset(r.sequence(entry["provincies"], f"{where}, field 'provincies'"))
            for province in route_provinces:
                if province not in provinces:
                    raise r.fail(f"{where}, field 'provincies'", f"'{province}' is not a province as in gemeenten.csv")
        route_municipalities = None
        if "gemeenten" in entry:
            route_municipalities = municipality_set(entry["gemeenten"], f"{where}, field 'gemeenten'")
        per_municipality: dict[str, frozenset[str]] = {}
        choice: tuple[str, ...] = ()
        loket = None
        if "per_gemeente" in entry:
            if "loket" in entry:
                raise r.fail(where, "has both 'loket' and 'per_gemeente'; give one")
            split = r.mapping(entry["per_gemeente"], f"{where}, field 'per_gemeente'")
            for loket_id, names in split.items():
                loket_ref(loket_id, f"{where}, field 'per_gemeente'")
                per_municipality[loket_id] = municipality_set(names, f"{where}, per_gemeente '{loket_id}'")
            choice = tuple(
                loket_ref(x, f"{where}, field 'keuze'")
                for x in r.sequence(entry.get("keuze"), f"{where}, field 'keuze'")
            )
            if len(choice) < 2:
                raise r.fail(f"{where}, field 'keuze'", "a choice needs at least two lokets")
        else:
            loket = loket_ref(entry.get("loket"), f"{where}, field 'loket'")
        low, high = r.size_limits(entry, where)
        routes.append(
            Route(
                id=route_id,
                loket=loket,
                min_employees=low,
                max_employees=high,
                provinces=route_provinces,
                municipalities=route_municipalities,
                per_municipality=per_municipality,
                choice=choice,
            )
        )
    if not routes[-1].catch_all or routes[-1].loket is None:
        raise r.fail(f"route '{routes[-1].id}'", "the last route must have no conditions and one loket (everyone else)")
    for route in routes[:-1]:
        if route.catch_all:
            raise r.fail(
                f"route '{route.id}'", "only the last route may have no conditions (the routes after it never match)"
            )

    programmes: dict[str, tuple[str, ...]] = {}
    raw_programmes = r.mapping(doc.get("regionale_programmas", {}), "regionale_programmas")
    for province, names in raw_programmes.items():
        if province not in provinces:
            raise r.fail(f"regionale_programmas '{province}'", "is not a province as in gemeenten.csv")
        listed = r.sequence(names, f"regionale_programmas '{province}'")
        if not all(isinstance(n, str) and n.strip() for n in listed):
            raise r.fail(f"regionale_programmas '{province}'", "must list names as texts")
        programmes[province] = tuple(n.strip() for n in listed)

    return Registry(
        lokets=lokets, routes=tuple(routes), regional_programmes=programmes, provinces_of=dict(municipalities)
    )


def load_registry(path: Path = REGISTRY_PATH) -> Registry:
    """Read, parse and validate the registry file.

    Raises:
        RegistryError: the file is missing, not YAML, or an entry is wrong.

    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RegistryError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML: {exc}") from exc
    places = gazetteer()
    municipalities = {m.name: m.province for m in places.by_code.values()}
    content = get_content()
    return parse_registry(
        raw,
        path,
        municipalities,
        phase_ids={p.id for p in content.phases},
        subsidy_ids={s.id for s in content.subsidies},
    )


@functools.lru_cache(maxsize=1)
def get_registry() -> Registry:
    """The registry, loaded and validated once per process."""
    return load_registry()
