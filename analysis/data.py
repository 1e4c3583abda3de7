"""Reading regsim HDF5 files (docs/output.md): provenance, the xarray Dataset, the event log.

Only h5py / xarray / pandas; nothing here knows the simulator's code.
"""

import os
from dataclasses import dataclass

import h5py
import numpy as np
import pandas as pd
import xarray as xr

STATUS_NAMES = ["none", "member", "suspended", "withdrawing", "withdrawn"]
EVENT_KINDS = (
    "announce rescind exit suspend reinstate sanction lift_sanction dissolve found join coup "
    "transition patron_engagement institution_param force_exit force_join"
).split()
EVENT_CAUSES = (
    "scheduled utility joint_declaration democracy_clause notice_elapsed quorum dissolution "
    "founding"
).split()


class RefusedError(Exception):
    """Input that every command refuses before reading it (exit status 2, as an incomplete
    file): a virtual sweep file whose shard files are missing, a figure too large to draw."""


def open_h5(path):
    """h5py.File of a regsim file, read-only. A killed run's .part, whose superblock still
    says "open for writing", which plain opens refuse, is opened with SWMR read access
    (docs/output.md). (HDF5 refuses to open one file twice with different SWMR access, so a
    file that opens plainly is always opened plainly.) A virtual file (`regsim merge
    --virtual`) whose shard files are missing is refused (check_virtual_sources)."""
    if not h5py.is_hdf5(path):
        raise OSError(f"{path}: not an HDF5 file (regsim run and regsim sweep write HDF5)")
    try:
        f = h5py.File(path, "r")
    except OSError:
        f = h5py.File(path, "r", swmr=True)
    try:
        check_virtual_sources(f, path)
    except BaseException:
        f.close()
        raise
    return f


def virtual_source_path(vfile, source):
    """The file HDF5 reads for the source file name `source` of a virtual dataset in the file
    `vfile`, or None when it finds none (it then reads fill values, silently). The search of
    HDF5's H5F_prefix_open_file (H5Fint.c; H5Pset_virtual_prefix in the reference manual):
    "." is `vfile` itself; an absolute name as it is, else only its last component goes on;
    then the name after each folder of the environment variable HDF5_VDS_PREFIX (separated by
    ":"; a leading "${ORIGIN}" is the virtual file's folder); the virtual file's folder; the
    current folder; the virtual file's folder with symbolic links resolved."""
    if source == ".":
        return vfile
    name, candidates = source, []
    if os.path.isabs(source):
        candidates.append(source)
        name = os.path.basename(source)
    origin = os.path.dirname(os.path.abspath(vfile))
    env = os.environ.get("HDF5_VDS_PREFIX", "")
    for prefix in [env] + env.split(":"):
        if prefix:
            if prefix.startswith("${ORIGIN}"):
                prefix = origin + prefix[len("${ORIGIN}"):]
            candidates.append(os.path.join(prefix, name))
    candidates += [os.path.join(origin, name), name,
                   os.path.join(os.path.dirname(os.path.realpath(vfile)), name)]
    for c in candidates:
        if os.path.isfile(c) and h5py.is_hdf5(c):
            return c
    return None


def check_virtual_sources(f, path):
    """Refuse a file whose virtual datasets (`regsim merge --virtual`) map source files that
    cannot be found: HDF5 reads their blocks as fill values (-2147483648 for a step or a
    cascade size), which every table and figure would take as data."""
    missing, resolved = [], {}
    for name, obj in f.items():
        if not isinstance(obj, h5py.Dataset) or not obj.is_virtual:
            continue
        for src in obj.virtual_sources():
            if src.file_name not in resolved:
                resolved[src.file_name] = virtual_source_path(path, src.file_name)
                if resolved[src.file_name] is None:
                    missing.append(src.file_name)
    if missing:
        origin = os.path.dirname(os.path.abspath(path))
        where = ", ".join(m if os.path.isabs(m) else
                          f"{m} ({os.path.normpath(os.path.join(origin, m))})" for m in missing)
        raise RefusedError(
            f"{path}: a virtual merged sweep file (regsim merge --virtual) whose shard "
            f"file{'s' if len(missing) > 1 else ''} {'are' if len(missing) > 1 else 'is'} "
            f"missing: {where}; its data would read as fill values. Keep the shards where "
            "it expects them (paths relative to its folder; HDF5_VDS_PREFIX names other "
            "folders), or merge without --virtual for a self-contained file")


class IncompleteFileError(Exception):
    """The file lacks the root attribute `complete` = 1 (e.g. copied from a crashed run)."""


INT32_FILL = np.iinfo(np.int32).min  # what a never-written step or size reads as


def flushed_replicates(f):
    """How many replicates of a run file hold all their data: the prefix 0 .. n-1 whose
    `cascade_size` is not the fill value (written last in each flush; docs/output.md, "A killed
    run's .part"). Every replicate of a finished file."""
    sizes = f["cascade_size"]
    if sizes.ndim != 2 or sizes.shape[1] == 0:
        return sizes.shape[0]
    return int((sizes[:, 0] != INT32_FILL).sum())


def _plain(value):
    """HDF5 attribute -> plain Python value (bytes -> str, 0-d/1-element arrays -> scalar)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return _plain(value.reshape(-1)[0])
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_attrs(path):
    """Root attributes of a regsim file as plain Python values."""
    with open_h5(path) as f:
        return {k: _plain(v) for k, v in f.attrs.items()}


def is_sweep_file(f):
    """Whether an open file is a sweep's (`regsim sweep`, `regsim merge`; docs/sweeps.md,
    "Output"): a design (`point_values`, or the older `param_<name>` datasets) over a
    `point` axis, which leads every summary."""
    if "point_values" in f:
        return True
    return "point" in f and ("points" in f or any(k.startswith("param_") for k in f))


def _complete(attrs):
    try:
        return int(attrs.get("complete", 0)) == 1
    except (TypeError, ValueError):
        return False


def is_complete(path):
    return _complete(read_attrs(path))


def check_complete(path, allow_incomplete=False):
    """Raise IncompleteFileError unless the file is a finished run or sweep (or the caller
    allows it)."""
    if not allow_incomplete and not is_complete(path):
        raise IncompleteFileError(
            f"{path}: not a complete regsim file (root attribute 'complete' is not 1); it may "
            "come from a crashed or still-running `regsim run` or `regsim sweep`. Use "
            "--allow-incomplete to read what it holds so far."
        )


@dataclass
class RunInfo:
    """Provenance used to label tables and figures. `replicates` are those read: of an
    unfinished run file only the flushed ones, out of `planned`."""

    scenario_name: str
    replicates: int
    seed: object
    start_month: str
    steps: int
    planned: int = None

    @property
    def label(self):
        reps = f"{self.replicates} replicates"
        if self.planned is not None and self.planned != self.replicates:
            reps = f"{self.replicates} of {self.planned} replicates (unfinished file)"
        return f"{self.scenario_name} \u2014 {reps}, seed {self.seed}"


def run_info(path):
    a = read_attrs(path)
    with open_h5(path) as f:
        reps = int(a.get("replicates", f["replicate"].shape[0] if "replicate" in f else 0))
        steps = int(a.get("steps", int(f["time"][-1]) if "time" in f else 0))
        planned = reps
        if not _complete(a) and "cascade_size" in f and "point" not in f:
            reps = flushed_replicates(f)
    return RunInfo(
        scenario_name=str(a.get("scenario_name", "unnamed scenario")),
        replicates=reps,
        seed=a.get("seed", "?"),
        start_month=str(a.get("start_month", "2000-01")),
        steps=steps,
        planned=planned,
    )


def month_dates(start_month, steps):
    """Calendar month starts (datetime64[ns]) of step indices counted from `start_month`."""
    base = np.datetime64(str(start_month)[:7], "M")
    steps = np.asarray(steps, dtype=np.int64)
    return (base + steps.astype("timedelta64[M]")).astype("datetime64[ns]")


def month_label(start_month, step):
    """'YYYY-MM' of a step (NaN or negative -> '')."""
    if step is None or (isinstance(step, float) and np.isnan(step)) or step < 0:
        return ""
    return str(np.datetime64(str(start_month)[:7], "M") + np.timedelta64(int(step), "M"))


def month_problem(text, day=True):
    """Why `text` is not a month 'YYYY-MM' (or, with `day`, a date 'YYYY-MM-DD'), or None.
    numpy's own message ("Month out of range in datetime string") names neither the file
    nor the option the value came from; callers add that."""
    import datetime
    import re

    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", str(text).strip())
    expected = "expected YYYY-MM" + (" or YYYY-MM-DD" if day else "")
    if not m or (m.group(3) and not day):
        return expected
    if not 1 <= int(m.group(2)) <= 12:
        return f"month {m.group(2)} is not 01..12"
    if m.group(3):
        try:
            datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return f"day {m.group(3)} is not a day of {m.group(1)}-{m.group(2)}"
    return None


def parse_month(text, what):
    """'YYYY-MM' of an option's value; ValueError naming the option (`what`) otherwise."""
    problem = month_problem(text, day=False)
    if problem:
        raise ValueError(f"{what} {text!r}: {problem}")
    return str(text).strip()


def month_step(start_month, date):
    """Step index of a calendar date 'YYYY-MM' or 'YYYY-MM-DD' (its month)."""
    d = np.datetime64(str(date).strip()[:7], "M")
    return int((d - np.datetime64(str(start_month)[:7], "M")).astype(int))


def _flag_names(dset, default):
    names = dset.attrs.get("flag_meanings")
    values = dset.attrs.get("flag_values")
    if names is None:
        return dict(enumerate(default))
    names = _plain(names).split()
    values = range(len(names)) if values is None else np.asarray(values).tolist()
    return dict(zip(values, names))


def load(path, allow_incomplete=False):
    """The run as an xarray.Dataset with named dimensions and coordinates, plus a `date`
    coordinate on `time` (datetime64 month starts from the `start_month` attribute).
    `month`, `state_name`, `institution_name` become coordinates. Lazily read. Of an
    unfinished run file (allow_incomplete) only the flushed replicates: the others read as
    fill values, which every table would otherwise count as "never happened"."""
    check_complete(path, allow_incomplete)
    try:
        ds = xr.open_dataset(path, engine="h5netcdf")
    except OSError:  # a killed run's .part: SWMR read access (open_h5)
        import h5netcdf

        store = xr.backends.H5NetCDFStore(
            h5netcdf.File(path, "r", swmr=True, decode_vlen_strings=True))
        ds = xr.open_dataset(store)
    ds.attrs = {k: _plain(v) for k, v in ds.attrs.items()}  # bytes / 1-element arrays -> plain
    aux = [v for v in ("month", "state_name", "institution_name") if v in ds.data_vars]
    ds = ds.set_coords(aux)
    if "time" in ds.coords:
        start = ds.attrs.get("start_month", "2000-01")
        ds = ds.assign_coords(date=("time", month_dates(start, ds["time"].values)))
    if not _complete(ds.attrs) and "cascade_size" in ds and "point" not in ds.dims:
        with open_h5(path) as f:
            n = flushed_replicates(f)
        if n == 0:
            raise IncompleteFileError(f"{path}: no replicate has been written to it yet")
        ds = ds.isel(replicate=slice(0, n))
    return ds


def events(path, allow_incomplete=False):
    """The event log as a DataFrame: replicate, step, date, kind, cause (names), state,
    institution (ids, None when absent), patron (id or None), value."""
    check_complete(path, allow_incomplete)
    with open_h5(path) as f:
        start = _plain(f.attrs.get("start_month", "2000-01"))

        def ids(name):
            return [_plain(x) for x in f[name][()]] if name in f else []

        states, insts, patrons = ids("state"), ids("institution"), ids("patron")
        columns = [k for k in f if k.startswith("event_")]
        # A killed run's .part may hold, after the events of its flushed replicates, some of
        # the replicates the interrupted flush was writing, its columns of different lengths
        # by those (docs/output.md, "A killed run's .part"): keep the common rows, and of
        # those the flushed replicates' (cascade_size set).
        n = min((f[k].shape[0] for k in columns), default=0)
        if not _complete(f.attrs) and "cascade_size" in f and "event_replicate" in f:
            flushed = flushed_replicates(f)
            n = int((f["event_replicate"][:n] < flushed).sum())

        def col(name, dtype=np.int32):
            return f[name][:n] if name in f else np.full(n, -1, dtype)

        step = col("event_step")
        kinds = _flag_names(f["event_kind"], EVENT_KINDS) if "event_kind" in f else {}
        causes = _flag_names(f["event_cause"], EVENT_CAUSES) if "event_cause" in f else {}

        def name_of(table, idx):
            return [table[i] if 0 <= i < len(table) else None for i in idx.tolist()]

        df = pd.DataFrame(
            {
                "replicate": col("event_replicate").astype(np.int64),
                "step": step.astype(np.int64),
                "date": month_dates(start, step),
                "kind": [kinds.get(k, str(k)) for k in col("event_kind").tolist()],
                "cause": [causes.get(c, str(c)) for c in col("event_cause").tolist()],
                "state": name_of(states, col("event_state")),
                "institution": name_of(insts, col("event_institution")),
                "patron": name_of(patrons, col("event_patron")),
                "value": col("event_value", np.float64).astype(np.float64),
            }
        )
    return df


def exit_steps(ds, with_dissolution=True):
    """(replicate, state, institution) int array: the step at which each membership's exit took
    effect, -1 never. `exit_step` holds exits by decision or force only (docs/model.md, 7.8);
    with `with_dissolution` a membership ended by its institution's dissolution (withdrawn at
    the end, no exit of its own, the institution dissolved) exits at `dissolve_step`, as the
    event log records it (kind exit, cause dissolution)."""
    ext = ds["exit_step"].transpose("replicate", "state", "institution").values
    if not with_dissolution:
        return ext
    dis = ds["dissolve_step"].transpose("replicate", "institution").values[:, None, :]
    fin = ds["final_status"].transpose("replicate", "state", "institution").values
    ended = (ext < 0) & (dis >= 0) & (fin == STATUS_NAMES.index("withdrawn"))
    return np.where(ended, np.broadcast_to(dis, ext.shape), ext)


def quantile_steps(steps, qs=(0.05, 0.5, 0.95)):
    """Quantiles of step indices as observed steps (inverted CDF, Hyndman & Fan type 1), so a
    median month is always a month some replicate had. NaNs when `steps` is empty."""
    steps = np.asarray(steps)
    if steps.size == 0:
        return [np.nan] * len(qs)
    return [float(np.quantile(steps, q, method="inverted_cdf")) for q in qs]


def select_ids(ds, dim, wanted):
    """The ids of `dim` ("state" or "institution") in the file's order, only those in `wanted`
    when given. An id the file lacks is an error naming the valid ones: a typo must not
    silently give an empty table or figure."""
    values = [str(v) for v in ds[dim].values]
    if not wanted:
        return values
    unknown = [w for w in wanted if w not in values]
    if unknown:
        raise ValueError(f"unknown id(s) {', '.join(unknown)} ({dim}s); the file has "
                         f"{list_ids(values)}")
    return [v for v in values if v in wanted]


def list_ids(ids, most=30):
    """'A, B, C' or, past `most` ids, the first ones and how many there are in all: the error
    of a typo in a 10,000-state run must stay one readable line."""
    ids = list(ids)
    if len(ids) <= most:
        return ", ".join(ids)
    return f"{', '.join(ids[:most])}, ... ({len(ids)} in all)"


def names(ds, dim):
    """{id: display name} of `dim` from the `state_name` / `institution_name` coordinates;
    the id itself where the file has no name (hand-made files, sweep files)."""
    ids = [str(v) for v in ds[dim].values] if dim in ds.coords or dim in ds else []
    coord = f"{dim}_name"
    if coord not in ds.coords and coord not in ds:
        return {i: i for i in ids}
    full = [_plain(v) for v in ds[coord].values]
    return {i: (str(n).strip() or i) for i, n in zip(ids, full)}
