#!/usr/bin/env python3
"""A quiet-times scenario from the Correlates of War IGO data v3, and the data's own exit rate.

    /usr/bin/python3 scripts/cow_scenario.py --cow DIR --states BEN,BFO,GHA,... --year 2000 \\
        [--years 10] [--min-members 3] [--model-from scenarios/sahel_2022.toml] \\
        [--benefit 1.0] [--cost 0.5] [--replicates 100] [--seed 1] -o OUT.toml [--force] \\
        [--global-rate]

DIR holds the long-form files of ../shared/data/cow-igo-v3 (memberships.csv.gz, igos.csv,
states.csv; Pevehouse et al. 2020, free for research with citation). The scenario has the
given states (COW abbreviations, which become the state ids), every IGO that at least
--min-members of them belong to as full members in --year (ids are COW's `ioname`), their full
memberships in that year, no event, and --years of monthly steps from January of --year. Its
[model] table is copied from --model-from, or left out (regsim's defaults: a world where
nothing leaves). The script also prints what the data say for the same states and IGOs over the
same years (and with --global-rate for every state and IGO 1965-2012 by the same definition):
withdrawals per full-membership-year (observed_rate below), the quantity `python3 -m analysis
baserate` computes from a run (pattern P5 of docs/model.md; docs/validation.md, "Quiet
times").
"""

import argparse
import gzip
import re
import sys
import tomllib
from pathlib import Path

import pandas as pd


COW_FILES = {  # file: the columns this script reads
    "memberships.csv.gz": ("stateabb", "year", "ioname", "status"),
    "igos.csv": ("ioname", "orgname", "last_year"),
    "states.csv": ("ccode", "stateabb", "statenme"),
}


def load_cow(folder):
    """(memberships, igos, states) DataFrames. ValueError naming the file when the folder or a
    file is missing, unreadable or lacks a column used here."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such folder (expected the COW IGO v3 files "
                         f"{', '.join(COW_FILES)})")
    missing = [name for name in COW_FILES if not (folder / name).is_file()]
    if missing:
        raise ValueError(f"{folder}: missing {', '.join(missing)} (the long-form COW IGO v3 "
                         "files)")
    tables = []
    for name, columns in COW_FILES.items():
        path = folder / name
        try:
            if name.endswith(".gz"):
                with gzip.open(path, "rt") as fh:
                    table = pd.read_csv(fh)
            else:
                table = pd.read_csv(path)
        except (OSError, UnicodeDecodeError, pd.errors.ParserError,
                pd.errors.EmptyDataError) as e:
            raise ValueError(f"{path}: cannot read it as CSV: {e}") from None
        lacking = [c for c in columns if c not in table.columns]
        if lacking:
            raise ValueError(f"{path}: missing column(s) {', '.join(lacking)}")
        tables.append(table)
    return tuple(tables)


def select(members, states, year, min_members):
    """{ioname: sorted member abbreviations}: full memberships in `year` among `states`, for
    IGOs with at least `min_members` of them."""
    rows = members[(members.year == year) & (members.status == 1) &
                   members.stateabb.isin(states)]
    by_igo = {}
    for io, state in zip(rows.ioname, rows.stateabb):
        by_igo.setdefault(io, set()).add(state)
    return {io: sorted(m) for io, m in by_igo.items() if len(m) >= min_members}


def observed_rate(members, igos, states, ionames, first, last):
    """(withdrawals, full-membership-years, last year used) among `states` and `ionames`
    (None: all), years t = first..last such that t + 2 is in the data. A year t at risk is a
    full membership in t of an IGO alive (igos.csv) and observed (some state has a row) in
    t + 1, by a state observed (with a row in some IGO) in t + 1; it is a withdrawal when the
    state has no membership of any status in t + 1 and is not back in t + 2 (when the IGO is
    observed in t + 2; else the absence in t + 1 decides). A run from January of `first` can
    leave in any of these years.

    Why not the data README's rule (full in t - 1, none in t): the long form drops COW's codes
    0 (no membership), -1 (IGO not in existence) and -9 (missing), so a missing year reads as
    a withdrawal. An IGO with no row for anyone in t + 1 is such a gap (36 of 50 "withdrawals"
    of the West African states in 2000-2009 were), so is a state absent for one year only
    (which also hides the rare real exit and rejoining within a year), and so is a state that
    leaves the data: West Germany in 1990 "withdrew" from 101 IGOs its successor held. The
    README's own rate, 0.00213, was computed on the state-year file with those codes. Its
    known coding errors (Mali never an ICC member, lagging ECOWAS years, the ACCT's end) are
    not corrected here (docs/validation.md, section 6)."""
    alive = igos.set_index("ioname").last_year
    last = min(last, int(members.year.max()) - 2)  # t + 2 must be in the data (the gap rule)
    held = members
    if states is not None:
        held = held[held.stateabb.isin(states)]
    if ionames is not None:
        held = held[held.ioname.isin(ionames)]
    observed = set(zip(members.ioname, members.year))
    present = set(zip(members.stateabb, members.year))
    any_status = set(zip(members.stateabb, members.ioname, members.year))
    full = held[(held.status == 1) & (held.year >= first) & (held.year <= last)]
    years = withdrawals = 0
    for state, io, y in zip(full.stateabb, full.ioname, full.year):
        if alive.get(io, -1) < y + 1 or (io, y + 1) not in observed:
            continue
        if (state, y + 1) not in present:  # the state left the data (succession, dissolution)
            continue
        years += 1
        back = (io, y + 2) in observed and (state, io, y + 2) in any_status
        if (state, io, y + 1) not in any_status and not back:
            withdrawals += 1
    return withdrawals, years, last


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise ValueError(f"cannot write {v!r} into the [model] table")


def scenario_text(args, states, names, igo_names, chosen, model):
    out = [
        "# GENERATED by scripts/cow_scenario.py from the Correlates of War IGO data v3",
        "# (Pevehouse et al. 2020): full memberships in "
        f"{args.year} of {', '.join(states)};",
        f"# IGOs with at least {args.min_members} of them. No event: a quiet-times world.",
        "",
        "[scenario]",
        f'name = "cow_{args.year}"',
        f'description = "COW IGO v3 memberships of {len(states)} states in {args.year}, '
        f'{len(chosen)} IGOs"',
        f'start = "{args.year}-01"',
        f"steps = {12 * args.years}",
        f"replicates = {args.replicates}",
        f"seed = {args.seed}",
        'axes = ["west"]',
        "",
    ]
    if model:
        out.append(f"[model]  # copied from {args.model_from}")
        out += [f"{k} = {toml_value(v)}" for k, v in model.items()]
        out.append("")
    for s in states:
        out += ["[[state]]", f'id = "{s}"', f"name = {toml_value(names.get(s, s))}", ""]
    for io, m in sorted(chosen.items()):
        ident = re.sub(r"[^A-Za-z0-9_-]", "_", io)
        out += ["[[institution]]", f'id = "{ident}"',
                f"name = {toml_value(igo_names.get(io, io))}",
                'kind = "igo"  # COW does not say regional or global',
                f"benefit = {args.benefit!r}", f"sovereignty_cost = {args.cost!r}",
                f"members = {toml_value(m)}", ""]
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cow", required=True, metavar="DIR", help="folder of the COW IGO v3 files")
    p.add_argument("--states", required=True, metavar="A,B",
                   help="COW state abbreviations (stateabb) or numeric codes (ccode)")
    p.add_argument("--year", required=True, type=int, help="membership snapshot and start year")
    p.add_argument("--years", type=int, default=10, help="years simulated (default 10)")
    p.add_argument("--min-members", type=int, default=3,
                   help="IGOs kept: at least this many of the states (default 3)")
    p.add_argument("--model-from", metavar="SCENARIO.toml",
                   help="copy this scenario's [model] table")
    p.add_argument("--benefit", type=float, default=1.0, help="every IGO's b_j (default 1)")
    p.add_argument("--cost", type=float, default=0.5,
                   help="every IGO's sovereignty cost c_j (default 0.5)")
    p.add_argument("--replicates", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", required=True, metavar="OUT.toml")
    p.add_argument("--force", action="store_true", help="overwrite an existing OUT.toml")
    p.add_argument("--global-rate", action="store_true",
                   help="also print the rate of every state and IGO 1965-2012 (t + 2 must be in the data; a few seconds)")
    args = p.parse_args(argv)
    if Path(args.output).exists() and not args.force:
        p.error(f"{args.output} exists (--force overwrites it)")
    if not Path(args.output).resolve().parent.is_dir():
        p.error(f"{args.output}: its folder does not exist")

    model = {}
    if args.model_from:
        try:
            with open(args.model_from, "rb") as fh:
                model = tomllib.load(fh).get("model", {})
        except OSError as e:
            p.error(f"--model-from {args.model_from}: {e.strerror or e}")
        except tomllib.TOMLDecodeError as e:
            p.error(f"--model-from {args.model_from}: not valid TOML: {e}")
    try:
        members, igos, state_table = load_cow(args.cow)
    except ValueError as e:
        p.error(f"--cow {e}")
    states = [s.strip() for s in args.states.split(",") if s.strip()]
    by_code = dict(zip(state_table.ccode.astype(str), state_table.stateabb))
    states = [by_code.get(s, s) if s.isdigit() else s for s in states]  # 432 -> MLI
    states = list(dict.fromkeys(states))  # 432 and MLI name one state
    unknown = sorted(set(states) - set(state_table.stateabb))
    if unknown:
        p.error(f"unknown COW states (abbreviations or codes): {', '.join(unknown)}")
    chosen = select(members, states, args.year, args.min_members)
    if not chosen:
        p.error(f"no IGO has {args.min_members} or more of these states as full members in "
                f"{args.year}")
    names = dict(zip(state_table.stateabb, state_table.statenme))
    igo_names = dict(zip(igos.ioname, igos.orgname))
    try:
        text = scenario_text(args, states, names, igo_names, chosen, model)
    except ValueError as e:
        p.error(f"--model-from {args.model_from}: {e}")
    Path(args.output).write_text(text)

    last = args.year + args.years - 1
    withdrawals, years, used = observed_rate(members, igos, states, set(chosen), args.year, last)
    rate = withdrawals / years if years else float("nan")
    count = sum(len(m) for m in chosen.values())
    print(f"wrote {args.output}: {len(states)} states, {len(chosen)} IGOs, {count} memberships")
    if used < args.year:
        print(f"note: the data end in {used + 2}: no year of the run can be compared (a year t "
              "needs t + 1 and t + 2)", file=sys.stderr)
    else:
        if used < last:
            print(f"note: the data end in {used + 2}: years {used + 1}..{last} of the run have "
                  "no observed counterpart", file=sys.stderr)
        print(f"observed {args.year}..{used} (COW IGO v3): {withdrawals} withdrawal"
              f"{'' if withdrawals == 1 else 's'} in {years} membership-years = {rate:.5f} per "
              "membership-year")
    if args.global_rate:
        w, y, end = observed_rate(members, igos, None, None, 1965, 2013)
        print(f"all states and IGOs 1965..{end}, same definition: {w} withdrawals in {y} "
              f"membership-years = {w / y if y else float('nan'):.5f} (the data README's 0.00213 "
              "counts missing years apart with codes the long form lacks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
