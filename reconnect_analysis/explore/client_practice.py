"""The practice views of one client: practice by cue and day (done / not done / not
answered / not logged), micro-shifts against practice days, and which cue goes with
micro-shifts (rank correlations with intervals, by verdict).

A missing day is unknown, never "not done": the grid shows "not logged" and "not answered"
apart from "not done".
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reconnect_analysis import metrics
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.explore.client_common import (
    _carries,
    _figure,
    _link,
    _one_client,
    _period,
    _style,
    title,
    too_few_days,
)
from reconnect_analysis.explore.display import View, period_text
from reconnect_analysis.fields import CUES
from reconnect_analysis.report import charts, sections, wording
from reconnect_analysis.tables import Tables

__all__ = ["practice_states", "practice_shares", "cue_days", "link_phrase", "plain_link",
           "shifts_practice", "clearest_cue", "cue_response", "STATES", "STATE_COLOURS",
           "CUE_ROWS", "VERDICT_COLOURS", "VERDICT_RANK", "LINK_DISCLAIMER", "SCORE_MEANING",
           "SCORE_AXIS"]

LINK_DISCLAIMER = "This is a link in the log, not proof that one causes the other."
SCORE_MEANING = ("the micro-shift score is the share of the micro-shift signs the client "
                 "ticked that day, 0 = none, 10 = all")
SCORE_HOVER = "%{x}: score %{y:.1f} of 10 (share of signs ticked)<extra></extra>"
SCORE_AXIS = "micro-shift score<br>(share of signs ticked:<br>0 = none, 10 = all)"

STATES = ("done", "not done", "not answered", "not logged")
"""Cell states of the practice grid, in colour-scale order (codes 0..3)."""
STATE_COLOURS = ("#1d6b3a", "#e8a33d", "#9fb3cf", "#f2f2f2")
"""done: green; not done: amber; not answered: blue-grey; not logged: near-white."""
CUE_ROWS = (*CUES, "any")
VERDICT_COLOURS = {"clear link": "#1d6b3a", "possible link": "#b36b00",
                   "no clear link": "#5b6475", "not enough data yet": "#b8c4d6"}
VERDICT_RANK = {"clear link": 0, "possible link": 1, "no clear link": 2,
                "not enough data yet": 3}


def plain_link(row) -> str:
    """One link row (``metrics.association.link``) in plain words, numbers left out (they go
    to the chart's hover and note), e.g. "Days with practice were usually followed by more
    micro-shifts the next day (a clear link in the log, 51 days)"."""
    cue = str(row["cue"])
    subject = ("days with practice" if cue == "any"
               else f"days with {wording.CUE_NAMES.get(cue, cue)} practice")
    same = int(row["lag"]) == 0
    when = "the same day" if same else "the next day"
    n = int(row["n_days"])
    verdict = str(row["verdict"])
    if verdict == "not enough data yet" or pd.isna(row["rho"]):
        text = (f"Not enough data yet to say whether {subject} go with micro-shifts {when} "
                f"({n} {'day' if n == 1 else 'days'} with both answers)")
    elif verdict in ("clear link", "possible link"):
        more = "more" if float(row["rho"]) > 0 else "fewer"
        how = "usually" if verdict == "clear link" else "often"
        verb = f"{how} came with" if same else f"were {how} followed by"
        strength = ("a clear link in the log," if verdict == "clear link"
                    else "a possible link in the log, not a clear one;")
        text = f"{subject.capitalize()} {verb} {more} micro-shifts {when} ({strength} {n} days)"
    else:
        verb = "came with" if same else "were followed by"
        text = (f"{subject.capitalize()} {verb} neither clearly more nor clearly fewer "
                f"micro-shifts {when} (no clear link in the log, {n} days)")
    return text + "."


# ------------------------------------------------------------------- practice by cue/day

def practice_states(tables: Tables, client_id: str, start, end) -> pd.DataFrame:
    """The state of each cue (and "any") on each day of the period.

    Returns
    -------
    pandas.DataFrame
        ``cue`` (body, sensory, connection, meaning, any; only the cues the export carries),
        ``date``, ``state``: "done", "not done", "not answered" (logged, no answer for that
        cue; for "any": no cue answered) or "not logged" (no check-in that day). Empty when
        the export carries no cue column.
    """
    one = _one_client(tables, client_id)
    cues = [c for c in CUES if f"cue_{c}" in one.entries.columns]
    columns = {"cue": object, "date": "datetime64[ns]", "state": object}
    if not cues:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    days = metrics.adherence.daily(one, start=start, end=end)
    days = days[days["client_id"] == client_id]
    if days.empty:  # no check-in at all: every day of the period is not logged
        dates = pd.date_range(start, end, freq="D")
        return pd.DataFrame({"cue": np.repeat([*cues, "any"], len(dates)),
                             "date": np.tile(dates.to_numpy(), len(cues) + 1),
                             "state": "not logged"})
    logged = days["logged"].to_numpy(dtype=bool)
    frames = []
    for cue in [*cues, "any"]:
        values = days["practised" if cue == "any" else f"cue_{cue}"]
        known = values.notna().to_numpy()
        done = values.fillna(False).to_numpy(dtype=bool)
        state = np.where(~logged, "not logged", np.where(
            ~known, "not answered", np.where(done, "done", "not done")))
        frames.append(pd.DataFrame({"cue": cue, "date": days["date"].to_numpy(),
                                    "state": state}))
    return pd.concat(frames, ignore_index=True)


def practice_shares(states: pd.DataFrame) -> pd.DataFrame:
    """Per cue: ``days_done``, ``days_answered`` (done + not done), ``days_not_logged``,
    ``share`` (done / answered; NaN when nothing was answered), in ``CUE_ROWS`` order."""
    rows = []
    for cue in [c for c in CUE_ROWS if c in set(states["cue"])]:
        s = states.loc[states["cue"] == cue, "state"]
        done, not_done = int((s == "done").sum()), int((s == "not done").sum())
        answered = done + not_done
        rows.append({"cue": cue, "days_done": done, "days_answered": answered,
                     "days_not_logged": int((s == "not logged").sum()),
                     "share": done / answered if answered else np.nan})
    return pd.DataFrame(rows, columns=["cue", "days_done", "days_answered",
                                       "days_not_logged", "share"])


def cue_days(tables: Tables, client_id: str, start=None, end=None,
             settings: Settings = DEFAULTS) -> View:
    """Cue-by-day practice: a grid of done / not done / not answered / not logged."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "cue_days")
    states = practice_states(tables, client_id, start, end)
    if states.empty:
        return View("cue_days", view_title, sections.NO_PRACTICE, None)
    shares = practice_shares(states)
    return View("cue_days", view_title, _cue_days_sentence(shares, start, end),
                _cue_days_figure(states, view_title))


def _cue_days_sentence(shares: pd.DataFrame, start, end) -> str:
    single = shares[shares["cue"] != "any"]
    total = int((pd.Timestamp(end) - pd.Timestamp(start)).days + 1)
    not_logged = int(shares["days_not_logged"].iloc[0]) if len(shares) else total
    if not int(shares["days_answered"].sum()):
        return (f"No practice answers in {period_text(start, end)} ({not_logged} of {total} "
                "days not logged); nothing to count yet.")
    parts = [f"{wording.CUE_NAMES[r.cue]} {r.days_done} of {r.days_answered}"
             + (f" ({r.share:.0%})" if r.days_answered else "")
             for r in single.itertuples()]
    text = ("Look for the cue that keeps slipping. Share of answered days practised: "
            + "; ".join(parts))
    best = single[single["share"] == single["share"].max()] if single["share"].notna().any() \
        else single.iloc[0:0]
    if len(best):
        names = " and ".join(wording.CUE_NAMES[c] for c in best["cue"])
        text += f". Most kept: {names} ({best['share'].iloc[0]:.0%})"
    any_row = shares[shares["cue"] == "any"].iloc[0]
    if any_row["days_answered"]:
        text += (f". Any cue: {int(any_row['days_done'])} of {int(any_row['days_answered'])} "
                 f"answered days")
    text += (f". {not_logged} of {total} days not logged: shown apart, never counted as "
             "missed.")
    return text


def _cue_days_figure(states: pd.DataFrame, view_title: str) -> go.Figure:
    cues = [c for c in CUE_ROWS if c in set(states["cue"])]
    wide = states.pivot(index="cue", columns="date", values="state").reindex(cues)
    codes = wide.apply(lambda col: col.map({s: i for i, s in enumerate(STATES)}))
    scale = []
    for i, colour in enumerate(STATE_COLOURS):
        scale += [[i / len(STATES), colour], [(i + 1) / len(STATES), colour]]
    labels = [charts.CUE_LABELS[c] for c in cues]
    figure = _figure(view_title, 140 + 34 * len(cues))
    figure.add_trace(go.Heatmap(
        z=codes.to_numpy(dtype="float64").tolist(), x=charts._dates(wide.columns), y=labels,
        text=wide.to_numpy().tolist(), zmin=-0.5, zmax=len(STATES) - 0.5, colorscale=scale,
        xgap=2, ygap=2, hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        colorbar={"tickvals": list(range(len(STATES))), "ticktext": list(STATES),
                  "title": {"text": ""}, "thickness": 14, "len": 1.0}))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(tickformat="%d %b")
    return figure


# ------------------------------------------------------------- micro-shifts and practice

def link_phrase(row) -> str:
    """One link row in short words for a chart label, e.g. "Next day: clear link (rank
    correlation +0.81, 95% interval +0.68 to +0.89, 51 days)"."""
    when = "Same day" if int(row["lag"]) == 0 else "Next day"
    if row["verdict"] == "not enough data yet" or pd.isna(row["rho"]):
        return f"{when}: not enough data yet ({int(row['n_days'])} days with both answers)"
    level = f"{100 * float(row['level']):.2f}".rstrip("0").rstrip(".")
    return (f"{when}: {row['verdict']} (rank correlation {row['rho']:+.2f}, {level}% interval "
            f"{row['ci_low']:+.2f} to {row['ci_high']:+.2f}, {int(row['n_days'])} days)")


def shifts_practice(tables: Tables, client_id: str, start=None, end=None,
                    settings: Settings = DEFAULTS, *, link: pd.DataFrame | None = None) -> View:
    """The daily micro-shift score with practice days marked, and the same-day and next-day
    association (cue "any") in the sentence and on the chart."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "shifts_practice")
    one = _one_client(tables, client_id)
    carries = _carries(one)
    if not carries["shifts"]:
        text = sections.NO_SHIFTS
        if not carries["practice"]:
            text += " " + sections.NO_PRACTICE
        return View("shifts_practice", view_title, text, None)
    score = metrics.shifts.daily(one, settings=settings, start=start, end=end)
    score = score[score["client_id"] == client_id]
    if not carries["practice"]:
        figure = _shift_figure(score, None, [], view_title)
        return View("shifts_practice", view_title,
                    sections.NO_PRACTICE + " The chart shows the micro-shift score alone; "
                    + SCORE_MEANING + ".", figure)
    if link is None:
        link = _link(one, client_id, start, end, settings)
    rows = link[link["cue"] == "any"].sort_values("lag")
    states = practice_states(one, client_id, start, end)
    any_states = states[states["cue"] == "any"]
    phrases = [link_phrase(r) for _, r in rows.iterrows()]
    figure = _shift_figure(score, any_states, phrases, view_title)
    sentences = [plain_link(r) for _, r in rows.iterrows()]
    text = (f"Look at whether the micro-shift score is higher on practice days (same day) or "
            f"on the day after (next day); {SCORE_MEANING}. " + " ".join(sentences))
    if rows["verdict"].isin(["clear link", "possible link"]).any():
        text += " " + LINK_DISCLAIMER
    if not len(rows):
        text += "No days with both practice and micro-shift answers in these weeks."
    return View("shifts_practice", view_title, _too_few_first(one, client_id, start, end,
                                                              settings) + text, figure)


def _shift_figure(score: pd.DataFrame, states: pd.DataFrame | None, phrases: list[str],
                  view_title: str) -> go.Figure:
    with_practice = states is not None
    figure = (make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.78, 0.22],
                            vertical_spacing=0.05) if with_practice else go.Figure())
    _style(figure, view_title, 430 if with_practice else 330)
    where = {"row": 1, "col": 1} if with_practice else {}
    x = charts._dates(score["date"])
    figure.add_trace(go.Scatter(
        x=x, y=charts._values(score["shift_score"]), mode="lines", connectgaps=False,
        name="micro-shift score (share of signs ticked, 0-10)",
        line={"color": charts.COLOURS["shift"], "width": 2},
        hovertemplate=SCORE_HOVER), **where)
    if with_practice:
        state = states.set_index("date")["state"].reindex(pd.to_datetime(score["date"]))
        state = state.to_numpy()
        values = np.asarray(charts._values(score["shift_score"]), dtype=object)
        for name, pick, marker in (
                ("score on a practice day", state == "done",
                 {"color": STATE_COLOURS[0], "size": 9, "symbol": "circle"}),
                ("score on a day without practice", state == "not done",
                 {"color": "white", "size": 8, "symbol": "circle",
                  "line": {"color": STATE_COLOURS[1], "width": 2}})):
            figure.add_trace(go.Scatter(
                x=[d for d, p in zip(x, pick, strict=True) if p],
                y=[v for v, p in zip(values, pick, strict=True) if p], mode="markers",
                name=name, marker=marker, hovertemplate=SCORE_HOVER),
                row=1, col=1)
        for i, name in enumerate(STATES):
            pick = state == name
            if not pick.any():
                continue
            figure.add_trace(go.Scatter(
                x=[d for d, p in zip(x, pick, strict=True) if p], y=["practice"] * int(pick.sum()),
                mode="markers", name=f"practice: {name}", showlegend=False,
                marker={"color": STATE_COLOURS[i], "size": 10, "symbol": "square",
                        "line": {"color": "#8a8f99", "width": 0.5}},
                hovertemplate=f"%{{x}}: {name}<extra></extra>"), row=2, col=1)
        figure.update_yaxes(range=[-0.3, 10.3], dtick=2, title_text=SCORE_AXIS, row=1, col=1)
        figure.update_yaxes(showgrid=False, ticktext=["practice<br>(any cue)"],
                            tickvals=["practice"], row=2, col=1)
        figure.update_xaxes(tickformat="%d %b", row=2, col=1)
    else:
        figure.update_yaxes(range=[-0.3, 10.3], dtick=2, title_text=SCORE_AXIS)
    if phrases:
        figure.add_annotation(text="<br>".join(html.escape(p) for p in phrases),
                              xref="paper", yref="paper", x=0, y=1.0, xanchor="left",
                              yanchor="bottom", showarrow=False, align="left",
                              font={"size": 11}, bgcolor="rgba(255,255,255,0.85)")
        figure.update_layout(margin={"t": 120}, legend={"y": -0.12, "yanchor": "top"})
    return figure


# -------------------------------------------------------------------------- per-cue response

def clearest_cue(link: pd.DataFrame) -> dict | None:
    """The single-cue link row to name, only when it stands apart: at its lag, its verdict
    (clear or possible link) is strictly better than every other cue's (e.g. the only clear
    link). When both lags have one: the better verdict, then same day before next day.
    None otherwise: the cues are mostly done on the same days, so the log cannot tell
    which one matters."""
    single = link[link["cue"] != "any"]
    apart = []
    for _lag, rows in single.groupby("lag", sort=True):
        ranks = rows["verdict"].map(VERDICT_RANK).fillna(len(VERDICT_RANK))
        best = ranks.min()
        if best > VERDICT_RANK["possible link"] or int((ranks == best).sum()) != 1:
            continue
        apart.append(rows.loc[ranks.idxmin()].to_dict() | {"_rank": best})
    if not apart:
        return None
    chosen = sorted(apart, key=lambda r: (r["_rank"], int(r["lag"])))[0]
    chosen.pop("_rank")
    return chosen


def cue_response(tables: Tables, client_id: str, start=None, end=None,
                 settings: Settings = DEFAULTS, *, link: pd.DataFrame | None = None) -> View:
    """Per cue and lag: the rank correlation with its interval (forest plot by verdict)."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "cue_response")
    one = _one_client(tables, client_id)
    carries = _carries(one)
    missing = [text for key, text in (("practice", sections.NO_PRACTICE),
                                      ("shifts", sections.NO_SHIFTS)) if not carries[key]]
    if missing:
        return View("cue_response", view_title, " ".join(missing) + " Which cue goes with "
                    "micro-shifts cannot be looked at without both.", None)
    if link is None:
        link = _link(one, client_id, start, end, settings)
    if link.empty:
        return View("cue_response", view_title, "No days with both practice and micro-shift "
                    "answers in these weeks.", None)
    return View("cue_response", view_title,
                _too_few_first(one, client_id, start, end, settings)
                + _cue_response_sentence(link), _forest(link, view_title))


def _too_few_first(tables: Tables, client_id: str, start, end, settings: Settings) -> str:
    """The too-few-days warning to put before any link, or ""."""
    warning = too_few_days(tables, client_id, start, end, settings)
    return (warning[:-1] + "; any link below is not enough data yet. ") if warning else ""


def _cue_response_sentence(link: pd.DataFrame) -> str:
    intro = ("Each dot shows how strongly doing a cue goes with the micro-shift score (-1 to "
             "+1, hover for the numbers), with its range of likely values as a line; a line "
             "that crosses 0 means no clear link. ")
    best = clearest_cue(link)
    if best is not None:
        when = "same day" if int(best["lag"]) == 0 else "next day"
        return (intro + f"Clearest cue: {wording.CUE_NAMES[best['cue']]} ({when}), the only "
                "cue with a link this clear. " + plain_link(best) + " " + LINK_DISCLAIMER)
    any_rows = link[(link["cue"] == "any")
                    & link["verdict"].isin(["clear link", "possible link"])]
    single = link[(link["cue"] != "any")
                  & link["verdict"].isin(["clear link", "possible link"])]
    if len(any_rows) or len(single):
        text = (intro + "No single cue stands apart from the others, so the log cannot tell "
                "which one matters (cues done on the same days cannot be told apart).")
        positive = any_rows[any_rows["rho"] > 0].sort_values("lag", ascending=False)
        if len(positive):
            general = plain_link(positive.iloc[0])
            text += " Practice in general goes with more micro-shifts: " + general[:1].lower() \
                + general[1:]
        return text + " " + LINK_DISCLAIMER
    if (link["verdict"] == "not enough data yet").all():
        n = int(link["n_days"].max())
        return (intro + f"Not enough data yet to compare cues: at most {n} days with both "
                "answers (at least 14, with 3 days with and 3 without practice, are needed).")
    text = intro + "No cue shows a clear link with micro-shifts in these weeks"
    if (link["verdict"] == "not enough data yet").any():
        text += " (for some, too few days to say yet)"
    return text + "."


def _forest(link: pd.DataFrame, view_title: str) -> go.Figure:
    frame = link.sort_values(["lag"], kind="stable").reset_index(drop=True)
    labels = [f"{wording.CUE_NAMES[c]} · {'same day' if int(lag) == 0 else 'next day'}"
              for c, lag in zip(frame["cue"], frame["lag"], strict=True)]
    frame = frame.assign(label=labels)
    figure = _figure(view_title, 150 + 26 * len(frame))
    figure.add_vline(x=0, line_color="#8a8f99", line_width=1)
    for verdict, colour in VERDICT_COLOURS.items():
        rows = frame[(frame["verdict"] == verdict) & frame["rho"].notna()]
        if rows.empty:
            continue
        custom = np.column_stack([
            [f"{100 * lv:.2f}".rstrip("0").rstrip(".") for lv in rows["level"]],
            rows["n_days"].astype(int), rows["ci_low"].round(2), rows["ci_high"].round(2),
        ]).tolist()
        figure.add_trace(go.Scatter(
            x=rows["rho"].round(3).tolist(), y=rows["label"].tolist(), mode="markers",
            name=verdict, marker={"color": colour, "size": 10},
            error_x={"type": "data", "symmetric": False,
                     "array": (rows["ci_high"] - rows["rho"]).round(3).tolist(),
                     "arrayminus": (rows["rho"] - rows["ci_low"]).round(3).tolist(),
                     "color": colour, "thickness": 2, "width": 4},
            customdata=custom,
            hovertemplate=("%{y}: rank correlation %{x:+.2f}, %{customdata[0]}% interval "
                           "%{customdata[2]} to %{customdata[3]}, %{customdata[1]} days"
                           f"<extra>{verdict}</extra>")))
    empty = frame[frame["rho"].isna()]
    if len(empty):
        figure.add_trace(go.Scatter(
            x=[0.0] * len(empty), y=empty["label"].tolist(), mode="markers",
            name="not enough data yet (no value)",
            marker={"color": VERDICT_COLOURS["not enough data yet"], "symbol": "x", "size": 9},
            hovertemplate="%{y}: not enough data yet<extra></extra>"))
    figure.update_xaxes(range=[-1.05, 1.05], title_text="rank correlation of practice with "
                        "micro-shifts (-1 to +1)", zeroline=False)
    figure.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    return figure
