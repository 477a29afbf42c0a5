"""A synthetic province: districts of communes of villages, with codes and unit paths.

Codes follow the platform's shapes (commune 5 digits, village = commune + 2 digits) but are
made up; `first_commune` lets tests and benchmarks pick code ranges no one else uses.
"""

from __future__ import annotations

from dataclasses import dataclass

COMMUNES_PER_DISTRICT = 12


@dataclass(frozen=True)
class Village:
    code: str
    path: str


@dataclass(frozen=True)
class Commune:
    code: str
    path: str
    villages: tuple[Village, ...]


@dataclass(frozen=True)
class Province:
    code: str
    path: str
    communes: tuple[Commune, ...]

    def commune(self, code: str) -> Commune:
        return next(c for c in self.communes if c.code == code)


def make_province(
    province: str = "26", *, communes: int = 10, villages: int = 6, first_commune: int = 90000
) -> Province:
    if not (1 <= villages <= 99):
        raise ValueError("1 to 99 villages per commune (two digits of the village code)")
    if first_commune + communes > 100_000 or first_commune < 1:
        raise ValueError("commune codes must stay within 00001-99999")
    root = f"VN-{province}"
    made: list[Commune] = []
    for n in range(communes):
        code = f"{first_commune + n:05d}"
        district = f"district-{n // COMMUNES_PER_DISTRICT + 1:02d}"
        path = f"{root}/{district}/commune-{code}"
        made.append(
            Commune(
                code,
                path,
                tuple(
                    Village(f"{code}{v:02d}", f"{path}/thon-{v}") for v in range(1, villages + 1)
                ),
            )
        )
    return Province(province, root, tuple(made))
