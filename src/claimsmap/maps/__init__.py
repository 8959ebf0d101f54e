"""Leaflet maps of the atlas, offline and single-file, through folium.

This is the only part of claimsmap that imports folium.
"""

from __future__ import annotations

from claimsmap.maps._map import Map
from claimsmap.maps.presets import PRESETS, Preset

__all__ = ["PRESETS", "Map", "Preset"]
