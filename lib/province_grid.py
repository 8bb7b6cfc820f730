"""A tile-grid map of the 31 provinces: one square per province at its approximate place.

A tile grid keeps every province the same size, so small but important regions (Beijing,
Shanghai, Tianjin) stay readable and clickable, which a geographic map would not allow.
Rows count from the north, columns from the west; keys are the codes of lib/regions.py.
"""

from __future__ import annotations

import pandas as pd

from lib.regions import PROVINCES

# code -> (row, column)
PROVINCE_TILES: dict[str, tuple[int, int]] = {
    "HL": (0, 6),
    "NM": (1, 3), "BJ": (1, 4), "LN": (1, 5), "JL": (1, 6),
    "XJ": (2, 0), "GS": (2, 1), "NX": (2, 2), "SX": (2, 3), "HE": (2, 4), "TJ": (2, 5),
    "QH": (3, 1), "SN": (3, 2), "HA": (3, 3), "SD": (3, 4),
    "XZ": (4, 0), "SC": (4, 1), "CQ": (4, 2), "HB": (4, 3), "AH": (4, 4), "JS": (4, 5), "SH": (4, 6),
    "YN": (5, 1), "GZ": (5, 2), "HN": (5, 3), "JX": (5, 4), "ZJ": (5, 5),
    "GX": (6, 2), "GD": (6, 3), "FJ": (6, 4),
    "HI": (7, 3),
}  # fmt: skip


def tile_positions() -> pd.DataFrame:
    """One row per province: code, row, col, in the order of lib.regions.PROVINCES."""
    rows = [(p.code, *PROVINCE_TILES[p.code]) for p in PROVINCES]
    return pd.DataFrame(rows, columns=["code", "row", "col"])


ZH_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def tile_label(name_en: str, name_zh: str, lang: str) -> str:
    """A name short enough for a tile: the Chinese name without its administrative suffix, or the English name."""
    if lang != "zh":
        return name_en
    for suffix in ZH_SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix):
            return name_zh[: -len(suffix)]
    return name_zh
