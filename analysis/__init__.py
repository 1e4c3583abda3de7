"""Tables and figures from regsim's HDF5 output (docs/output.md, docs/analysis.md).

    import analysis
    ds = analysis.load("out/west_africa.h5")      # xarray.Dataset with a `date` coordinate
    ev = analysis.events("out/west_africa.h5")    # pandas.DataFrame, one row per event

Command line: `/usr/bin/python3 -m analysis --help` (Debian's Python, from the repository root).
"""

from .data import (
    EVENT_CAUSES,
    EVENT_KINDS,
    STATUS_NAMES,
    IncompleteFileError,
    RefusedError,
    events,
    is_complete,
    load,
    read_attrs,
    run_info,
)

__all__ = [
    "EVENT_CAUSES",
    "EVENT_KINDS",
    "STATUS_NAMES",
    "IncompleteFileError",
    "RefusedError",
    "events",
    "is_complete",
    "load",
    "read_attrs",
    "run_info",
]
