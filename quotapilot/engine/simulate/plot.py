"""``quotapilot simulate --plot``: usage, limit, forecast band and decisions per quota."""

from __future__ import annotations

from pathlib import Path

from quotapilot.engine.simulate.replay import QuotaReplay

_MARKERS = {
    "alert_warning": ("#e6a700", "v"),
    "alert_critical": ("#e65c00", "v"),
    "alert_emergency": ("#c00000", "v"),
    "approval_requested": ("#7030a0", "s"),
}
_INCREASE = ("#2e7d32", "^")


def plot_replays(replays: list[QuotaReplay], out: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in replays if r.rule is not None] or replays
    fig, axes = plt.subplots(
        len(shown), 1, figsize=(10, 3.2 * len(shown)), squeeze=False, sharex=False
    )
    for ax, quota in zip(axes[:, 0], shown, strict=True):
        times = [p.at for p in quota.points]
        ax.plot(times, [p.usage for p in quota.points], color="#1f4e79", label="usage")
        ax.step(
            times,
            [lim if lim is not None else float("nan") for lim in quota.limits],
            where="post",
            color="black",
            linestyle="--",
            label="limit in force",
        )
        if quota.forecasts:
            ax.fill_between(
                times,
                [f.predicted for f in quota.forecasts],
                [f.upper for f in quota.forecasts],
                color="#9dc3e6",
                alpha=0.5,
                label=f"forecast at +{quota.rule.horizon_hours(quota.key):g}h (point..P90)"
                if quota.rule
                else "forecast",
            )
        labelled: set[str] = set()
        usage_at = {p.at: p.usage for p in quota.points}
        for item in quota.decisions:
            action = item.decision.action.value
            color, marker = _MARKERS.get(action, _INCREASE)
            ax.scatter(
                [item.at],
                [usage_at[item.at]],
                color=color,
                marker=marker,
                s=60,
                zorder=5,
                label=None if action in labelled else action,
            )
            labelled.add(action)
        ax.set_title(
            f"{quota.key.service} {quota.key.code} ({quota.key.region})"
            + ("" if quota.rule else ": no rule")
        )
        ax.set_ylabel("usage")
        ax.legend(loc="upper left", fontsize=7)
        ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
