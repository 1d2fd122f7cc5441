"""Seasonal quota levels: applied a lead time ahead of the season, dropped after it; the gate
and the regression watch warn when a season is near and the serving limit is below it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import yaml

from quotapilot.components.requests import QuotaRequestsArgs
from quotapilot.domain import FindingKind, QuotaKey
from quotapilot.engine.regression import watch
from quotapilot.envvalues import decode_watch
from quotapilot.exceptions import ConfigurationError
from quotapilot.gate.check import run_check
from quotapilot.seasons import QuotaLevel, Season, load_levels, season_need
from quotapilot.sources.snapshot import SnapshotSource

CPUS = "CPUS-per-project-region"
#: The GCP reference's accountants: January to April at 4000, 1500 otherwise.
BUSY = QuotaLevel(
    "gcp",
    "compute.googleapis.com",
    CPUS,
    1500,
    "us-central1",
    seasons=(Season("01-01", "04-30", 4000),),
)


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def test_lead_time_is_the_quota_increase_path_horizon():
    # GCP compute increases are reviewed by Google: 14 days ahead.
    assert BUSY.lead_time.days == 14
    assert QuotaLevel("aws", "lambda", "L-B99A9384", 1).lead_time.days == 14
    assert QuotaLevel("aws", "sns", "L-61103206", 1).lead_time.days == 7
    assert QuotaLevel("aws", "sns", "L-61103206", 1, lead_time_days=30).lead_time.days == 30


@pytest.mark.parametrize(
    ("when", "level"),
    [
        (at(2026, 12, 17), 1500),  # 15 days before: not yet
        (at(2026, 12, 18), 4000),  # 14 days before: ask now
        (at(2027, 2, 14), 4000),  # in season
        (at(2027, 4, 30), 4000),  # last day
        (at(2027, 5, 1), 1500),  # over: back to the usual level
    ],
)
def test_level_in_force_runs_ahead_of_the_season(when, level):
    assert BUSY.in_force(when) == level


def test_seasons_wrapping_new_year_and_the_highest_wins():
    level = QuotaLevel(
        "aws",
        "ec2",
        "L-1216C47A",
        100,
        "us-east-1",
        seasons=(Season("11-15", "01-15", 300), Season("12-20", "12-31", 500)),
        lead_time_days=0,
    )
    assert level.level_on(date(2026, 1, 10)) == 300
    assert level.level_on(date(2026, 1, 16)) == 100
    assert level.level_on(date(2026, 12, 24)) == 500


def test_season_need_names_the_start_and_days_away():
    need = season_need(BUSY, at(2026, 12, 20))
    assert (need.value, need.starts, need.days_away, need.lead_days) == (
        4000,
        date(2027, 1, 1),
        12,
        14,
    )
    during = season_need(BUSY, at(2027, 3, 1))
    assert (during.starts, during.days_away) == (date(2027, 1, 1), 0)
    assert season_need(BUSY, at(2027, 6, 1)) is None


@pytest.mark.parametrize(
    ("season", "field"),
    [
        ({"start": "13-01", "end": "04-30", "value": 1}, "seasons.start"),
        ({"start": "02-30", "end": "04-30", "value": 1}, "seasons.start"),
        ({"start": "01-01", "end": "4-30", "value": 1}, "seasons.end"),
        ({"start": "01-01", "end": "04-30", "value": float("nan")}, "seasons.value"),
        ({"start": "01-01", "end": "04-30", "value": True}, "seasons.value"),
    ],
)
def test_bad_seasons_name_the_field(season, field):
    with pytest.raises(ConfigurationError) as caught:
        Season(**season)
    assert caught.value.context["field"] == field


def test_quota_requests_asks_for_the_seasonal_level_ahead_and_parity_still_holds():
    args = QuotaRequestsArgs(levels=(BUSY,), gcp_project="acme-prod", as_of=at(2026, 12, 20))
    assert [level.value for level in args.requested()] == [4000]
    later = QuotaRequestsArgs(levels=(BUSY,), gcp_project="acme-prod", as_of=at(2027, 6, 1))
    assert [level.value for level in later.requested()] == [1500]
    loadtest = QuotaLevel("gcp", "compute.googleapis.com", CPUS, 2000, "us-central1")
    parity = QuotaRequestsArgs(
        levels=(BUSY,), parity_with=(loadtest,), gcp_project="acme-prod", as_of=at(2027, 6, 1)
    )
    assert [level.value for level in parity.requested()] == [2000]


def test_load_levels_file_and_its_errors(tmp_path):
    good = tmp_path / "levels.yaml"
    good.write_text(
        "levels:\n"
        "  - {provider: gcp, service: compute.googleapis.com, code: CPUS-per-project-region,\n"
        "     region: us-central1, value: 1500,\n"
        "     seasons: [{start: '01-01', end: '04-30', value: 4000}]}\n"
    )
    assert load_levels(good) == (BUSY,)
    for text, expected in [
        ("levels: 3", "must be a list"),
        ("- 1", "'levels' list"),
        ("levels: [{provider: azure, service: s, code: c, value: 1}]", "aws or gcp"),
        ("levels: [{provider: aws, service: s, code: c, value: .inf}]", "finite"),
        ("levels: [{provider: aws, service: s, code: c, value: 1, colour: red}]", "unknown"),
        ("levels: [{provider: aws, service: s, code: c, value: 1, seasons: [3]}]", "malformed"),
        ("levels: !!python/object:os.system {}", "not valid YAML"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises(ConfigurationError, match=expected) as caught:
            load_levels(bad)
        assert str(bad) in str(caught.value)
    with pytest.raises(ConfigurationError, match="can't read"):
        load_levels(tmp_path / "missing.yaml")


def serving(limit: float) -> SnapshotSource:
    return SnapshotSource.from_document(
        {
            "provider": "gcp",
            "project": "acme-prod",
            "quotas": [
                {
                    "service": "compute.googleapis.com",
                    "code": CPUS,
                    "region": "us-central1",
                    "limit": limit,
                    "usage": 900,
                }
            ],
        }
    )


KEY = QuotaKey("gcp", "compute.googleapis.com", CPUS, "us-central1")


def test_gate_warns_ahead_of_the_season_and_not_otherwise():
    result = run_check([], serving(1500), watch=[KEY], seasons=(BUSY,), now=at(2026, 12, 20))
    assert result.passed  # a warning, not a block
    [finding] = [f for f in result.findings if f.kind is FindingKind.SEASON]
    assert finding.policy == "warn_season" and not finding.blocks
    assert finding.message == (
        "gcp:compute.googleapis.com/CPUS-per-project-region@us-central1: the season from "
        "2027-01-01 needs 4000 but the serving limit is 1500; it starts in 12 days, and an "
        "increase can take 14 days: request it now"
    )
    calm = run_check([], serving(1500), watch=[KEY], seasons=(BUSY,), now=at(2026, 6, 1))
    assert not [f for f in calm.findings if f.kind is FindingKind.SEASON]
    ready = run_check([], serving(4000), watch=[KEY], seasons=(BUSY,), now=at(2026, 12, 20))
    assert not [f for f in ready.findings if f.kind is FindingKind.SEASON]


class Recorder:
    def __init__(self) -> None:
        self.sent: list = []

    def send(self, alert, **kwargs):
        self.sent.append(alert)
        return "m-1"

    def record(self, action, **kwargs):
        self.sent.append(action)


def test_regression_watch_warns_of_the_season(tmp_path):
    config = decode_watch(json.dumps(
        {
            "serving": "serving",
            "loadtest": "loadtest",
            "quotas": [{"provider": "gcp", "service": "compute.googleapis.com", "code": CPUS,
                        "region": "us-central1"}],
            "seasons": [{"provider": "gcp", "service": "compute.googleapis.com", "code": CPUS,
                         "region": "us-central1", "value": 1500,
                         "seasons": [{"start": "01-01", "end": "04-30", "value": 4000}]}],
        }
    ), "QUOTAPILOT_REGRESSION_WATCH")  # fmt: skip
    alerter, audit = Recorder(), Recorder()
    report = watch(
        config, alerter, audit, open_source=lambda spec: serving(1500), now=at(2026, 12, 20)
    )
    assert report.regressions == []
    assert report.seasonal == [
        {
            "quota": "gcp:compute.googleapis.com/CPUS-per-project-region@acme-prod/us-central1",
            "serving_limit": 1500,
            "season_level": 4000,
            "season_starts": "2027-01-01",
            "days_away": 12,
            "lead_days": 14.0,
        }
    ]
    assert alerter.sent[0].body["kind"] == "quota_season"
    assert audit.sent == ["quota_season"]
    with pytest.raises(ConfigurationError, match="levels"):
        decode_watch(json.dumps(
            {"serving": "s", "loadtest": "l", "quotas": [{"service": "x", "code": "y"}],
             "seasons": {"not": "a list"}}
        ), "QUOTAPILOT_REGRESSION_WATCH")  # fmt: skip


def test_check_cli_takes_seasons_and_watches_untouched_quotas(tmp_path, capsys):
    import json

    from quotapilot.cli.app import main
    from tests.gate.conftest import PROGRAMS

    serving = tmp_path / "serving.yaml"
    serving.write_text(
        yaml.safe_dump(
            {
                "provider": "aws",
                "region": "eu-west-1",
                "quotas": [
                    {"service": "ec2", "code": "L-1216C47A", "limit": 256, "usage": 10},
                    {"service": "autoscaling", "code": "L-CDE20ADC", "limit": 500, "usage": 3},
                    {"service": "lambda", "code": "L-B99A9384", "limit": 1000, "usage": 100,
                     "region": "us-east-1"},
                    {"service": "iam", "code": "L-FE177D64", "limit": 1000, "usage": 40,
                     "region": "global"},
                    {"service": "iam", "code": "L-0DA4ABF3", "limit": 10, "usage": 0,
                     "region": "global"},
                    {"service": "sns", "code": "L-61103206", "limit": 100, "usage": 1},
                ],
            }
        )
    )  # fmt: skip
    levels = tmp_path / "levels.yaml"
    # All year round, so the test doesn't depend on today's date.
    levels.write_text(
        "levels:\n"
        "  - {provider: aws, service: sns, code: L-61103206, value: 100,\n"
        "     seasons: [{start: '01-01', end: '12-31', value: 500}]}\n"
    )
    code = main(
        ["check", str(PROGRAMS / "basic"), "--stack", "prod", "--quotas", str(serving),
         "--seasons", str(levels), "--format", "json"]
    )  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert code == 0  # warnings don't block
    [season] = [f for f in document["findings"] if f["kind"] == "season"]
    assert (season["severity"], season["code"], season["region"]) == (
        "warn",
        "L-61103206",
        "eu-west-1",  # the stack's region: the plan doesn't touch SNS at all
    )
    assert "needs 500 but the serving limit is 100; it has started" in season["message"]
