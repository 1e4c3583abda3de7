"""Figures (docs/analysis.md): timeline, trajectories, cascades, network, sweep, sobol.

Each function draws one matplotlib figure of a fixed size in inches and saves it with
`save()`, whose format follows the output's extension (png, svg, pdf). No bbox="tight": the
pixel size is exactly size x dpi, which the tests check.
"""

import re
import textwrap
import tomllib

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from .data import RefusedError, exit_steps, names, select_ids  # noqa: E402

STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
}
STATUS_COLORS = {  # none is left blank
    "member": "#4c9a2a",
    "suspended": "#e0a526",
    "withdrawing": "#d95f02",
    "withdrawn": "#7b3294",
}


def _figure(size, nrows=1, ncols=1, **kw):
    plt.rcParams.update(STYLE)
    return plt.subplots(nrows, ncols, figsize=size, layout="constrained", squeeze=False, **kw)


def _label(fig, info, what):
    fig.suptitle(f"{what}\n{info.label}", fontsize=11)


def _date_axis(ax):
    loc = mdates.AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def save(fig, out, dpi):
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def state_label(ds, state, labels="names"):
    """How a state is shown: its name (`state_name`), or its id with labels="ids" (where space
    is tight). Figures show institutions by id: their acronyms (ECOWAS, AU) are how readers
    know them, and the full names are long."""
    return names(ds, "state")[str(state)] if labels == "names" else str(state)


def membership_label(ds, state, inst, labels="names"):
    """'Burkina Faso \u2013 ECOWAS' (or 'BFA \u2013 ECOWAS' with labels="ids")."""
    return f"{state_label(ds, state, labels)} \u2013 {inst}"


# --- timeline ---------------------------------------------------------------------------------

TIMELINE_ROW_IN = 0.26   # inches per membership band: a 9 pt label and a gap
TIMELINE_FIXED_IN = 1.55  # title (2 lines), legend, date axis and its label


# Bands drawn without an explicit --states / --institutions. 200 bands are, at the default
# 0.26 in each, a 1500 x 8000 px image at 150 dpi (some ten screen heights) that takes a few
# seconds; past that the figure is no longer one anybody reads, and its cost grows with the
# bands: 1,000 bands (1,000 states) took 16 s and 700 MB on a 4-replicate, 24-month run and a
# 10,000-state run more than 11 minutes and 850 MB; Agg cannot draw more than 2^16 px either
# way (about 1,670 bands at 150 dpi). A chosen selection of any size is drawn.
TIMELINE_MAX_ROWS = 200


def _count(n, what):
    return f"{n} {what}{'' if n == 1 else 's'}"


def check_timeline_size(ds, states=None, institutions=None):
    """Refuse (RefusedError) a timeline of more than TIMELINE_MAX_ROWS bands unless the
    states or institutions were chosen, before the whole `status` array is read: the
    memberships that exist at the end of some replicate (from the small `final_status`) are
    a quick lower bound of the bands."""
    if states or institutions or "final_status" not in ds:
        return
    n = int((ds["final_status"] > 0).any("replicate").sum())
    if n > TIMELINE_MAX_ROWS:
        _refuse_timeline(f"{n} or more bands ({_count(ds.sizes['state'], 'state')} x "
                         f"{_count(ds.sizes['institution'], 'institution')})")


def _refuse_too_large(figure, what, limit, how):
    """The refusal of a figure past its limit (timeline, trajectories, network): `how` says
    which options choose what to draw."""
    raise RefusedError(f"the {figure} would have {what}, more than {limit}: choose {how} (a "
                       "chosen selection of any size is drawn)")


def _refuse_timeline(what):
    _refuse_too_large("timeline", what, TIMELINE_MAX_ROWS,
                      "the memberships to draw with --states A,B,... and/or --institutions "
                      "X,Y,...")


def timeline_rows(ds, states=None, institutions=None):
    """(state, institution) memberships that ever exist (status != none somewhere)."""
    sts = select_ids(ds, "state", states)
    ins = select_ids(ds, "institution", institutions)
    ever = (ds["status"] > 0).any(("replicate", "time"))
    return [(s, i) for s in sts for i in ins if bool(ever.sel(state=s, institution=i))]


def timeline_size(nrows, width=10.0):
    """Default size: a fixed part for title, legend and axis plus a fixed height per band, so
    that the bands look the same whatever their number and nothing is left empty."""
    return (width, TIMELINE_FIXED_IN + TIMELINE_ROW_IN * nrows)


def timeline(ds, info, out, replicate=None, states=None, institutions=None, size=None,
             dpi=150, labels="names"):
    if "status" not in ds:
        raise ValueError("the file has no status trajectories (run without --no-trajectories)")
    check_timeline_size(ds, states, institutions)
    rows = timeline_rows(ds, states, institutions)
    if not rows:
        raise ValueError("no membership matches the filters")
    if len(rows) > TIMELINE_MAX_ROWS and not (states or institutions):
        _refuse_timeline(f"{len(rows)} bands")
    size = size or timeline_size(len(rows))
    fig, axs = _figure(size)
    ax = axs[0, 0]
    dates = ds["date"].values
    status = ds["status"]
    if replicate is not None:
        if replicate not in ds["replicate"].values:
            raise ValueError(f"replicate {replicate} not in the file (0..{ds.sizes['replicate']-1})")
        status = status.sel(replicate=[replicate])
    # A status drawn from t holds until the next recorded step (step="post"); extend the last.
    step_dates = np.append(dates, dates[-1] + (dates[-1] - dates[-2] if len(dates) > 1
                                               else np.timedelta64(30, "D")))
    names_ = list(STATUS_COLORS)
    for k, (s, i) in enumerate(rows):
        st = status.sel(state=s, institution=i).values  # (replicate, time)
        base = np.zeros(len(dates))
        y0 = len(rows) - 1 - k
        for code, name in enumerate(names_, start=1):
            share = (st == code).mean(axis=0)
            top = base + share
            ax.fill_between(step_dates, y0 + 0.05 + 0.9 * np.append(base, base[-1]),
                            y0 + 0.05 + 0.9 * np.append(top, top[-1]), step="post",
                            color=STATUS_COLORS[name], linewidth=0)
            base = top
        if k and rows[k - 1][0] != s:  # a thin rule between states groups their bands
            ax.axhline(y0 + 1, color="0.35", linewidth=0.6)
    ax.set_yticks([len(rows) - 1 - k + 0.5 for k in range(len(rows))])
    ax.set_yticklabels([membership_label(ds, s, i, labels) for s, i in rows])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(0, len(rows))
    ax.set_xlim(step_dates[0], step_dates[-1])
    _date_axis(ax)
    ax.set_xlabel("calendar month")
    many = len(rows) > 20  # a tall figure: dates on top too, next to the legend
    if many:
        ax.tick_params(axis="x", top=True, labeltop=True)
    # Anchored to the axes' top edge, not at a fraction of its height below it: the legend
    # stays next to the bands however tall the figure is.
    ax.legend(handles=[Patch(color=c, label=n) for n, c in STATUS_COLORS.items()],
              loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False,
              borderaxespad=1.6 if many else 0.3)
    what = (f"Membership status, replicate {replicate}" if replicate is not None else
            "Share of replicates in each membership status")
    _label(fig, info, what)
    return save(fig, out, dpi)


# --- trajectories ------------------------------------------------------------------------------

# States drawn without an explicit --states: one row of panels each, 1.6 in high, so 50
# states are an 81 in (12,000 px at 150 dpi) column already; a 10,000-state world would pass
# Agg's 2^16 px limit long before it finished reading every state's quantiles.
TRAJECTORIES_MAX_STATES = 50


def trajectories(ds, info, out, states=None, size=None, dpi=150, labels="names"):
    if "sovereignty" not in ds:
        raise ValueError("the file has no trajectories (run without --no-trajectories)")
    if not states and ds.sizes["state"] > TRAJECTORIES_MAX_STATES:
        _refuse_too_large("figure", _count(ds.sizes["state"], "state"), TRAJECTORIES_MAX_STATES,
                          "the states to draw with --states A,B,...")
    sts = select_ids(ds, "state", states)
    axes = [str(a) for a in ds["axis"].values] if "alignment" in ds else []
    panels = [("sovereignty", None)] + [("alignment", a) for a in axes]
    size = size or (3.2 * len(panels) + 1.0, 1.2 + 1.6 * len(sts))
    fig, axs = _figure(size, len(sts), len(panels), sharex=True)
    dates = ds["date"].values
    for r, s in enumerate(sts):
        for c, (var, axis) in enumerate(panels):
            ax = axs[r, c]
            da = ds[var].sel(state=s)
            if axis is not None:
                da = da.sel(axis=axis)
            v = da.transpose("replicate", "time").values
            q = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
            ax.fill_between(dates, q[0], q[4], color="C0", alpha=0.2, linewidth=0,
                            label="90%")
            ax.fill_between(dates, q[1], q[3], color="C0", alpha=0.4, linewidth=0,
                            label="50%")
            ax.plot(dates, q[2], color="C0", linewidth=1.5, label="median")
            ax.set_ylim((0, 1) if var == "sovereignty" else (-1, 1))
            if r == 0:
                ax.set_title(var if axis is None else f"alignment: {axis}")
            if c == 0:
                ax.set_ylabel(state_label(ds, s, labels))
            _date_axis(ax)
    axs[0, -1].legend(loc="best", frameon=False)
    _label(fig, info, "Sovereignty and alignment: median, 50% and 90% bands over replicates")
    return save(fig, out, dpi)


# --- cascades ---------------------------------------------------------------------------------

def cascades(ds, info, out, institutions=None, size=None, dpi=150):
    ins = select_ids(ds, "institution", institutions)
    size = size or (10.0, 4.2)
    fig, axs = _figure(size, 1, 2)
    hist, ccdf = axs[0, 0], axs[0, 1]
    casc = ds["cascade_size"]
    top = int(casc.sel(institution=ins).max()) if ins else 0
    # Bars side by side within each size: step outlines of equal shares hid each other.
    width = 0.8 / max(len(ins), 1)
    for k, inst in enumerate(ins):
        c = casc.sel(institution=inst).values
        share = np.bincount(c[c >= 0].astype(int), minlength=top + 1)[:top + 1] / max(c.size, 1)
        hist.bar(np.arange(top + 1) - 0.4 + width * (k + 0.5), share, width, color=f"C{k}",
                 label=inst)
        xs = np.arange(0, top + 2)  # P(size >= x) holds on [x, x + 1)
        # Later lines thinner, so one that coincides with an earlier one leaves it visible.
        ccdf.step(xs, [(c >= x).mean() for x in xs[:-1]] + [(c > top).mean()], where="post",
                  color=f"C{k}", linewidth=1.5 + 2.0 * (len(ins) - 1 - k) / max(len(ins), 1),
                  label=inst)
    hist.set_xlabel("final cascade size (states that exited)")
    hist.set_ylabel("share of replicates")
    hist.set_title("Distribution")
    ccdf.set_xlabel("cascade size x")
    ccdf.set_ylabel("P(cascade size \u2265 x)")
    ccdf.set_title("Complementary CDF")
    ccdf.set_ylim(0, 1.02)
    for ax in (hist, ccdf):
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    # Outside both panels, right of the CDF: inside, it covered the bars at share 1.
    ccdf.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
                title="institution")
    _label(fig, info, "Final cascade size per institution")
    return save(fig, out, dpi)


# --- network ----------------------------------------------------------------------------------

def scenario_ties(text):
    """Influence ties from the scenario text stored in the file: its `[[tie]]` tables (`a`, `b`,
    optional `weight`; docs/scenarios.md), also read under `ties` or with `from`/`to` keys.
    [] when absent or unparsable: the figure then shows only the membership graph."""
    try:
        doc = tomllib.loads(text or "")
    except (tomllib.TOMLDecodeError, TypeError):
        return []
    ties = []
    for key in ("tie", "ties"):
        for t in doc.get(key, []) if isinstance(doc.get(key), list) else []:
            if isinstance(t, dict):
                a, b = t.get("a", t.get("from")), t.get("b", t.get("to"))
                if isinstance(a, str) and isinstance(b, str):
                    ties.append((a, b, float(t.get("weight", 1.0))))
    return ties


# Nodes (states and institutions) drawn without an explicit --states / --institutions. At the
# default 9 x 7.5 in, 500 nodes already fill the drawing with overlapping circles (the layout
# cannot separate them), and the cost grows as the square of the nodes (Kamada-Kawai and
# spread_layout compare every pair): 500 states took 11 s, 1,000 took 30 s, 2,000 took 105 s
# and 660 MB, 10,000 would take most of an hour. A chosen selection of any size is drawn.
NETWORK_MAX_NODES = 500


def check_network_size(ds, states=None, institutions=None):
    """Refuse (RefusedError) a network of more than NETWORK_MAX_NODES nodes unless the states
    or institutions were chosen, before anything large is read."""
    if states or institutions:
        return
    n_s, n_i = ds.sizes.get("state", 0), ds.sizes.get("institution", 0)
    if n_s + n_i <= NETWORK_MAX_NODES:
        return
    _refuse_too_large("network",
                      f"{n_s + n_i} nodes ({_count(n_s, 'state')}, {_count(n_i, 'institution')})",
                      NETWORK_MAX_NODES,
                      "what to draw with --states A,B,... (and the institutions they belong to) "
                      "and/or --institutions X,Y,... (and their members)")


def network_graph(ds, scenario_text="", states=None, institutions=None):
    """networkx graph: state and institution nodes, membership edges (status != none at
    some time), influence ties between states when the scenario text has them. State nodes
    carry `p_exit`: share of replicates where the state exited at least one institution by
    decision or force; membership edges the share where that membership ended, dissolution
    included. Nodes also carry `name` (the file's state / institution name).
    `states` (ids) keeps those states and the institutions they belong to; `institutions`
    those institutions and their members; both, exactly those."""
    g = nx.Graph()
    sts = [str(s) for s in ds["state"].values]
    ins = [str(i) for i in ds["institution"].values]
    keep_s, keep_i = select_ids(ds, "state", states), select_ids(ds, "institution",
                                                                  institutions)
    p_state = (exit_steps(ds, with_dissolution=False) >= 0).any(axis=2).mean(axis=0)
    p_edge = (exit_steps(ds) >= 0).mean(axis=0)
    snames, inames = names(ds, "state"), names(ds, "institution")
    if "status" in ds:
        member = (ds["status"] > 0).any(("replicate", "time")).transpose("state",
                                                                         "institution").values
    else:
        member = ((ds["final_status"] > 0) | (ds["announce_step"] >= 0)).any(
            "replicate").transpose("state", "institution").values
    s_idx, i_idx = {s: k for k, s in enumerate(sts)}, {i: k for k, i in enumerate(ins)}
    if states and not institutions:
        keep_i = [i for i in keep_i if member[[s_idx[s] for s in keep_s], i_idx[i]].any()]
    elif institutions and not states:
        keep_s = [s for s in keep_s if member[s_idx[s], [i_idx[i] for i in keep_i]].any()]
    for s in keep_s:
        g.add_node(s, kind="state", p_exit=float(p_state[s_idx[s]]), name=snames[s])
    for i in keep_i:
        g.add_node(i, kind="institution", name=inames[i])
    for s in keep_s:
        for i in keep_i:
            if member[s_idx[s], i_idx[i]]:
                g.add_edge(s, i, kind="membership", p_exit=float(p_edge[s_idx[s], i_idx[i]]))
    kept = set(keep_s)
    for a, b, w in scenario_ties(scenario_text):
        if a in kept and b in kept:
            g.add_edge(a, b, kind="tie", weight=w)
    return g


def spread_layout(pos, radius, box, iterations=300):
    """Node positions moved apart until no two are closer than the sum of their radii (all in
    inches), within a box (width, height) in inches: Kamada-Kawai puts institutions with the
    same members (AU, ICC, OIF, ECOWAS) on top of each other. Deterministic; returns
    {node: (x, y)} in inches."""
    nodes = list(pos)
    xy = np.array([pos[n] for n in nodes], dtype=float)
    r = np.array([radius[n] for n in nodes], dtype=float)
    w, h = box

    def fit(p):  # scale into the box, leaving each node's radius free at the edges
        lo, hi = p.min(axis=0), p.max(axis=0)
        span = np.where(hi - lo > 0, hi - lo, 1.0)
        room = np.array([w, h]) - 2 * r.max()
        return r.max() + (p - lo) / span * room

    xy = fit(xy)
    # A fixed tiny offset separates coincident nodes along a direction of their own.
    jitter = np.stack([np.cos(np.arange(len(nodes)) * 2.39996),
                       np.sin(np.arange(len(nodes)) * 2.39996)], axis=1) * 1e-3
    need = r[:, None] + r[None, :]
    np.fill_diagonal(need, 0)
    for _ in range(iterations):
        d = xy[:, None, :] - xy[None, :, :] + (jitter[:, None, :] - jitter[None, :, :])
        dist = np.hypot(d[..., 0], d[..., 1])
        np.fill_diagonal(dist, np.inf)
        short = np.clip(need - dist, 0, None)
        if short.max() < 1e-3:
            break
        push = (d / dist[..., None]) * (0.5 * short)[..., None]
        xy = fit(xy + push.sum(axis=1))
    return {n: tuple(p) for n, p in zip(nodes, xy)}


def network(ds, info, out, scenario_text="", size=None, dpi=150, labels="names", states=None,
            institutions=None):
    check_network_size(ds, states, institutions)
    g = network_graph(ds, scenario_text, states, institutions)
    size = size or (9.0, 7.5)
    fig, axs = _figure(size)
    ax = axs[0, 0]
    sts = [n for n, d in g.nodes(data=True) if d["kind"] == "state"]
    ins = [n for n, d in g.nodes(data=True) if d["kind"] == "institution"]
    mem = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "membership"]
    ties = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "tie"]
    cmap = plt.get_cmap("viridis_r")
    scale = min(size[0] / 9.0, size[1] / 7.5)
    font = max(5.0, 8.0 * scale)
    # Colour bar, key and title first: the nodes are then laid out in the room that is left.
    cb = fig.colorbar(matplotlib.cm.ScalarMappable(matplotlib.colors.Normalize(0, 1), cmap),
                      ax=ax, orientation="horizontal", shrink=0.6, aspect=35, pad=0.02)
    cb.set_label("P(exit). States: left at least one institution by decision or force.\n"
                 "Membership edges: this membership ended, its institution's dissolution "
                 "included.", fontsize=font)
    ax.legend(handles=[
        plt.Line2D([], [], marker="o", ls="", mfc="0.8", mec="k", ms=9, label="state"),
        plt.Line2D([], [], marker="s", ls="", mfc="white", mec="k", ms=9, label="institution"),
        plt.Line2D([], [], color="0.3", lw=1.6, label="membership"),
    ] + ([plt.Line2D([], [], color="0.6", lw=1, ls="--", label="influence tie")] if ties
         else []), loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False,
        fontsize=font)
    ax.set_axis_off()
    _label(fig, info, "Institution graph coloured by exit probability")
    fig.canvas.draw()  # runs the constrained layout: the axes' size in inches
    bb = ax.get_window_extent().transformed(fig.dpi_scale_trans.inverted())
    box = (max(bb.width, 1.0), max(bb.height, 1.0))
    # Room each node needs, in inches: a state's circle and its name under it, an
    # institution's box around its id.
    char = font / 72 * 0.62  # average character width
    diam = max(0.22, 0.34 * scale)  # state circle
    radius = {n: max(diam, char * len(g.nodes[n]["name"] if labels == "names" else n)) / 2
              + 0.05 for n in sts}
    radius.update({n: (char * 1.15 * len(n) + 0.2) / 2 + 0.08 for n in ins})
    pos = nx.kamada_kawai_layout(g) if g.number_of_nodes() > 2 else nx.spring_layout(g, seed=1)
    pos = spread_layout(pos, radius, box)
    nx.draw_networkx_edges(g, pos, edgelist=ties, ax=ax, style="dashed", edge_color="0.6",
                           width=1.0)
    nx.draw_networkx_edges(g, pos, edgelist=mem, ax=ax, width=1.6, alpha=0.85,
                           edge_color=[g.edges[e]["p_exit"] for e in mem], edge_cmap=cmap,
                           edge_vmin=0, edge_vmax=1)
    nx.draw_networkx_nodes(g, pos, nodelist=sts, ax=ax, node_shape="o",
                           node_size=(diam * 72) ** 2,
                           node_color=[g.nodes[s]["p_exit"] for s in sts], cmap=cmap,
                           vmin=0, vmax=1, edgecolors="black")
    for s in sts:  # the id inside the circle, white on the dark end of the colour map
        r, gr, b, _ = cmap(g.nodes[s]["p_exit"])
        dark = 0.299 * r + 0.587 * gr + 0.114 * b < 0.5
        x, y = pos[s]
        ax.text(x, y, s, ha="center", va="center", fontsize=font * 0.85, zorder=4,
                color="white" if dark else "black")
        if labels == "names" and g.nodes[s]["name"] != s:
            ax.text(x, y - diam / 2 - 0.02, g.nodes[s]["name"], ha="center", va="top",
                    fontsize=font * 0.85, zorder=4,
                    bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none", alpha=0.75))
    for i in ins:  # the box fits the id: fixed squares of one size overlapped or hid it
        x, y = pos[i]
        ax.text(x, y, i, ha="center", va="center", fontsize=font * 1.05, fontweight="bold",
                zorder=5, bbox=dict(boxstyle="square,pad=0.35", fc="white", ec="black",
                                    lw=1.4))
    ax.set_xlim(0, box[0])
    ax.set_ylim(0, box[1])
    ax.set_aspect("equal")
    ax.set_axis_off()
    return save(fig, out, dpi)


# --- sweep ------------------------------------------------------------------------------------

def _title(fig, lines):
    """Suptitle of several lines; fit_texts() wraps each to the figure's width (sweep notes
    are long)."""
    fig.suptitle("\n".join(t for t in lines if t), fontsize=10)


class _KeyPathWrapper(textwrap.TextWrapper):
    """Wraps at spaces and also after a "." or "_" followed by a letter, so that a key path
    (institution.ECOWAS.sovereignty_cost) breaks between its parts rather than inside a
    word."""

    def _split(self, text):
        return [part for chunk in super()._split(text)
                for part in re.split(r"(?<=[._])(?=[A-Za-z])", chunk) if part]


def _wrap_to(text, room, renderer, vertical=False):
    """Wrap each line of a Text at fewer characters until it is no longer than `room` pixels
    (its height when `vertical`, as a y label): long metric labels ran off the figure
    ("onths until MLI exits ECOWAS (run's end if never) (exit_month:MLI:EC..."). Words are
    cut only when no wrapping at spaces and key path dots fits."""
    def length():
        ext = text.get_window_extent(renderer)
        return ext.height if vertical else ext.width

    if not text.get_text() or length() <= room:
        return
    lines = text.get_text().split("\n")
    longest = max(len(line) for line in lines)
    for cut_words in (False, True):
        for width in range(longest - 1, 9, -1):
            wrap = _KeyPathWrapper(width, break_long_words=cut_words, break_on_hyphens=False)
            text.set_text("\n".join(wrap.fill(line) for line in lines))
            if length() <= room:
                return


def fit_texts(fig, ax, colorbar=None):
    """Wrap each line of the suptitle to the figure's width, the x label to the axes' width,
    the y label (and the colour bar's) to their heights, once the constrained layout has sized
    the axes. The texts stay whole and inside the figure whatever the --size."""
    renderer = fig.canvas.get_renderer()
    if fig._suptitle is not None:
        _wrap_to(fig._suptitle, 0.98 * fig.bbox.width, renderer)
    fig.canvas.draw()  # the constrained layout with the title's final height
    _wrap_to(ax.xaxis.label, ax.get_window_extent(renderer).width, renderer)
    fig.canvas.draw()
    _wrap_to(ax.yaxis.label, 0.97 * ax.get_window_extent(renderer).height, renderer,
             vertical=True)
    if colorbar is not None:
        _wrap_to(colorbar.ax.yaxis.label, 0.97 * colorbar.ax.get_window_extent(renderer).height,
                 renderer, vertical=True)


def _cell_edges(axis):
    """Cell edges of an axis in data units: the bins, or for exact values midway between
    neighbours (geometric on a log axis), half a step beyond the ends."""
    if axis.binned:
        return axis.edges
    c = axis.centers
    t = np.log(c) if axis.log and (c > 0).all() else c
    if len(t) == 1:
        e = np.array([t[0] - 0.5, t[0] + 0.5]) if not axis.log else t[0] + np.array([-0.5, 0.5])
    else:
        mid = (t[:-1] + t[1:]) / 2
        e = np.concatenate([[t[0] - (mid[0] - t[0])], mid, [t[-1] + (t[-1] - mid[-1])]])
    return np.exp(e) if axis.log and (c > 0).all() else e


def _fmt(v):
    return f"{v:.3g}"


def _ticks(ax, axis, which):
    """Readable ticks: the bin edges of a binned axis, the exact values of a grid (every k-th
    when there are many), with 3 significant digits; log scale for log-scaled parameters."""
    set_scale, set_ticks, set_labels, ticker_axis = (
        (ax.set_xscale, ax.set_xticks, ax.set_xticklabels, ax.xaxis) if which == "x" else
        (ax.set_yscale, ax.set_yticks, ax.set_yticklabels, ax.yaxis))
    ticks = axis.edges if axis.binned else axis.centers
    if axis.log and (ticks > 0).all():
        set_scale("log")
    step = int(np.ceil(len(ticks) / 11))
    shown = ticks[::step]
    set_ticks(shown)
    rotate = which == "x" and (len(shown) > 7 or max(len(_fmt(t)) for t in shown) > 5)
    set_labels([_fmt(t) for t in shown], rotation=35 if rotate else 0,
               ha="right" if rotate else ("center" if which == "x" else "right"))
    ticker_axis.set_minor_locator(matplotlib.ticker.NullLocator())


def sweep_heatmap(z, xa, ya, info_label, out, zcode, is_p, note, size=None, dpi=150):
    """z[x cell, y cell] over exact values or bins (Axis objects of analysis.sweep)."""
    from . import sweep as sw

    size = size or (7.5, 6.0)
    fig, axs = _figure(size)
    ax = axs[0, 0]
    vmin, vmax = sw.color_limits(z, is_p)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.85")  # a cell without runs
    im = ax.pcolormesh(_cell_edges(xa), _cell_edges(ya), np.ma.masked_invalid(z.T),
                       cmap=cmap, vmin=vmin, vmax=vmax, shading="flat")
    _ticks(ax, xa, "x")
    _ticks(ax, ya, "y")
    ax.set_xlabel(sw.param_label(xa.key, xa.log))
    ax.set_ylabel(sw.param_label(ya.key, ya.log))
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(sw.metric_label(zcode))
    if np.isnan(z).any():
        note += "; grey: no run"
    _title(fig, [f"Sweep: {sw.describe_metric(zcode)}", info_label, note])
    fit_texts(fig, ax, cb)
    return save(fig, out, dpi)


def sweep_line(xa, center, bands, info_label, out, zcode, is_p, note, point_means=None,
               size=None, dpi=150):
    """center[x cell]; bands = ((lo90, hi90), (lo50, hi50)) over x cells. Binned axes: the
    bins' means at their centres with the bin range as a horizontal bar, and each design
    point's own mean (over its replicates) as a grey dot behind them."""
    from . import sweep as sw

    size = size or (7.5, 4.8)
    fig, axs = _figure(size)
    ax = axs[0, 0]
    xs = xa.centers
    (lo90, hi90), (lo50, hi50) = bands
    if point_means is not None:
        px, py = point_means
        ax.plot(px, py, ".", color="0.6", markersize=3, zorder=1,
                label="design point (mean of its replicates)")
    ax.fill_between(xs, lo90, hi90, color="C0", alpha=0.2, linewidth=0, label="90%")
    ax.fill_between(xs, lo50, hi50, color="C0", alpha=0.4, linewidth=0, label="50%")
    if xa.binned:
        ax.errorbar(xs, center, xerr=[xs - xa.edges[:-1], xa.edges[1:] - xs], fmt="o-",
                    color="C0", elinewidth=1, capsize=0, label="bin mean (bar: bin range)")
    else:
        ax.plot(xs, center, "o-", color="C0", label="mean")
    _ticks(ax, xa, "x")
    if is_p:
        ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(sw.param_label(xa.key, xa.log))
    ax.set_ylabel(sw.metric_label(zcode))
    ax.legend(frameon=False, fontsize=8)
    band = ("bands: Jeffreys intervals of the pooled runs" if is_p else
            "bands: 25\u201375% and 5\u201395% of the pooled runs")
    _title(fig, [f"Sweep: {sw.describe_metric(zcode)}", info_label, f"{note}; {band}"])
    fit_texts(fig, ax)
    return save(fig, out, dpi)


# --- sobol ------------------------------------------------------------------------------------

def sobol_bars(table, keys, info, out, what, size=None, dpi=150):
    """First-order and total indices per parameter, bars with their bootstrap intervals."""
    size = size or (max(5.0, 1.1 * len(keys) + 2.5), 4.5)
    fig, axs = _figure(size)
    ax = axs[0, 0]
    x = np.arange(len(keys))
    w = 0.38
    for off, col, name, color in ((-w / 2, "S1", "first order S1", "C0"),
                                  (w / 2, "ST", "total ST", "C1")):
        v = table[col].to_numpy()
        err = np.vstack([v - table[f"{col} low"].to_numpy(), table[f"{col} high"].to_numpy() - v])
        ax.bar(x + off, v, w, color=color, label=name)
        if np.isfinite(err).all():
            ax.errorbar(x + off, v, yerr=err, fmt="none", ecolor="black", elinewidth=1,
                        capsize=3)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks(x)
    slanted = len(keys) > 3 or max(len(k) for k in keys) > 14  # key paths are long
    ax.set_xticklabels(keys, rotation=25 if slanted else 0, ha="right" if slanted else "center",
                       rotation_mode="anchor")
    ax.set_ylabel("Sobol' index (whiskers: 95% bootstrap interval)")
    ax.legend(frameon=False)
    _label(fig, info, f"Sobol' indices of {what}")
    return save(fig, out, dpi)
