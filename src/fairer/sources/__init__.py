"""Readers for official data, each recognising its file by the header rather than the name.

- :mod:`fairer.sources.iod` — English Indices of Deprivation 2015/2019/2025 (Files 1, 2, 5, 6, 7).
- :mod:`fairer.sources.lookups` — ONS area lookups and the LSOA 2011↔2021 bridge.
- :mod:`fairer.sources.boundaries` — area polygons (GeoPackage, GeoJSON, shapefile).
- :mod:`fairer.sources.population` — single-year-of-age population estimates.
- :mod:`fairer.sources.detect` — which of these a file is.
- :mod:`fairer.sources.fetch` — download the official files into a local cache.
"""
