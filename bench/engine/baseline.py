"""The reference design's per-quota cycle, reimplemented minimally for the benchmark: for
each rule, one query for the latest observation and one for its 30-day history, features
over a sliding 7-point window, a RandomForest (as the reference constructs it) fitted on the
quota's history and asked for one prediction, then the threshold ladder. ``n_estimators=0``
keeps the per-quota queries and features but replaces the model by the window's trend, to
separate the cost of the approach from the cost of the model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {k: deserializer.deserialize(v) for k, v in item.items()}


def _features(history: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    usage = np.array([float(h["current_usage"]) for h in history])
    util = np.array([float(h["utilization_percentage"]) for h in history])
    stamps = [datetime.fromtimestamp(int(h["timestamp"]), UTC) for h in history]
    rows, targets = [], []
    for i in range(6, len(history) - 1):
        window = usage[i - 6 : i + 1]
        trend = np.polyfit(range(7), window, 1)[0]
        rows.append(
            [
                trend,
                window.mean(),
                window.max(),
                window.min(),
                stamps[i].weekday(),
                stamps[i].hour,
                util[i],
            ]
        )
        targets.append(usage[i + 1])
    return np.array(rows), np.array(targets)


def reference_cycle(
    db: Any, table: str, rules: list[dict[str, Any]], *, n_estimators: int = 100
) -> dict[str, int]:
    from sklearn.ensemble import RandomForestRegressor

    actions: dict[str, int] = {}
    for rule in rules:
        quota_id = f"{rule['service_code']}#{rule['quota_code']}#{rule['region']}"
        latest = db.query(table, quota_id, limit=1)["Items"]
        if not latest:
            continue
        current = _plain(latest[0])
        history = [_plain(i) for i in db.query(table, quota_id)["Items"]]
        limit = float(current["quota_value"])
        usage = float(current["current_usage"])
        if len(history) < 7:
            predicted = usage * 1.1
        elif n_estimators == 0:
            # The per-quota structure without the model: the last window's trend, a day ahead.
            features, _ = _features(history)
            predicted = max(usage + float(features[-1][0]) * 288, usage)
        else:
            features, targets = _features(history)
            model = RandomForestRegressor(n_estimators=n_estimators, random_state=42)
            model.fit(features, targets)
            predicted = max(float(model.predict(features[-1:])[0]), usage)
        peak = max(usage / limit * 100, predicted / limit * 100)
        action = (
            "alert_emergency"
            if peak >= 95
            else "alert_critical"
            if peak >= 85
            else "alert_warning"
            if peak >= 70
            else ""
        )
        if action:
            actions[action] = actions.get(action, 0) + 1
    return actions
