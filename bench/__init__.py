"""`make bench`: the benchmark of civicdata's production server (README: The benchmark)."""
