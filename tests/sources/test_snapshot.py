"""The snapshot source: format, semantics and the errors a malformed file gets."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from quotapilot.domain import QuotaKey
from quotapilot.exceptions import ConfigurationError, SnapshotError
from quotapilot.sources import QuotaSource, SnapshotSource, SourceResult, open_source

AWS_SNAPSHOT = """\
provider: aws
account: "123456789012"
region: us-east-1
quotas:
  - service: lambda
    code: L-B99A9384
    limit: 1000
    usage: 250
  - service: lambda
    code: L-B99A9384
    limit: 500
    region: us-west-2
  - service: iam
    code: L-FE177D64
    limit: 1000
    region: global
  - service: sns
    code: L-61103206
    limit: null
  - service: sqs
    code: L-UNLIMITED
    limit: -1
    adjustable: false
"""


def write(tmp_path, text, name="quotas.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def aws(code, region="us-east-1", service="lambda"):
    return QuotaKey("aws", service, code, region)


@pytest.fixture
def source(tmp_path):
    return SnapshotSource.from_file(write(tmp_path, AWS_SNAPSHOT))


def test_is_a_quota_source(source):
    assert isinstance(source, QuotaSource)
    assert source.name.startswith("snapshot ") and source.name.endswith("quotas.yaml")


def test_reads_limit_and_usage_bound_to_the_account(source):
    key = aws("L-B99A9384")
    result = source.read([key])
    reading = result.readings[key]  # keyed by the key as asked: unbound
    assert reading.quota.key == key.in_account("123456789012")
    assert reading.quota.limit == 1000.0
    assert reading.usage is not None and reading.usage.value == 250.0
    assert reading.usage.key == reading.quota.key


def test_entry_region_overrides_the_file_region(source):
    west = aws("L-B99A9384", "us-west-2")
    reading = source.read([west]).readings[west]
    assert reading.quota.limit == 500.0
    assert reading.usage is None  # usage is optional


def test_global_quota(source):
    key = QuotaKey("aws", "iam", "L-FE177D64")
    assert key.is_global
    assert source.read([key]).readings[key].quota.limit == 1000.0
    # The same code asked for in a region is a different quota, so it isn't there.
    assert (
        aws("L-FE177D64", service="iam") in source.read([aws("L-FE177D64", service="iam")]).unknown
    )


@pytest.mark.parametrize(("service", "code"), [("sns", "L-61103206"), ("sqs", "L-UNLIMITED")])
def test_null_and_minus_one_mean_unlimited(source, service, code):
    key = aws(code, service=service)
    quota = source.read([key]).readings[key].quota
    assert quota.limit is None and quota.unlimited


def test_adjustable_flag(source):
    key = aws("L-UNLIMITED", service="sqs")
    assert source.read([key]).readings[key].quota.adjustable is False
    assert source.read([aws("L-B99A9384")]).readings[aws("L-B99A9384")].quota.adjustable is None


def test_missing_key_is_unknown_naming_the_file(source, tmp_path):
    key = aws("L-NOPE")
    result = source.read([key, aws("L-B99A9384")])
    assert set(result.readings) == {aws("L-B99A9384")}
    reason = result.unknown[key].reason
    assert reason.startswith("not in snapshot ") and str(tmp_path) in reason


def test_bound_key_for_the_same_account_is_answered_another_account_is_not(source):
    mine = aws("L-B99A9384").in_account("123456789012")
    theirs = aws("L-B99A9384").in_account("999999999999")
    result = source.read([mine, theirs])
    assert result.readings[mine].quota.limit == 1000.0
    assert "999999999999" in result.unknown[theirs].reason


def test_other_provider_is_unknown(source):
    key = QuotaKey("gcp", "compute.googleapis.com", "CPUS-per-project-region", "us-central1")
    assert "aws quotas only" in source.read([key]).unknown[key].reason


def test_get_and_iter(source):
    known, missing = aws("L-B99A9384"), aws("L-NOPE")
    result = source.read([known, missing])
    assert isinstance(result, SourceResult)
    assert set(result) == {known, missing}
    assert result.get(known).quota.limit == 1000.0


def test_keys_lists_everything_bound(source):
    assert len(source.keys) == 5
    assert {key.account for key in source.keys} == {"123456789012"}


def test_gcp_snapshot_in_json(tmp_path):
    document = {
        "provider": "gcp",
        "project": "my-project",
        "region": "us-central1",
        "quotas": [
            {"service": "compute.googleapis.com", "code": "CPUS-per-project-region", "limit": 24},
            {
                "service": "compute.googleapis.com",
                "code": "NETWORKS",
                "limit": 15,
                "region": "global",
                "usage": 3,
            },
        ],
    }
    path = tmp_path / "gcp.json"
    path.write_text(json.dumps(document))
    source = SnapshotSource.from_file(path)
    key = QuotaKey("gcp", "compute.googleapis.com", "CPUS-per-project-region", "us-central1")
    networks = QuotaKey("gcp", "compute.googleapis.com", "NETWORKS")
    result = source.read([key, networks])
    assert result.readings[key].quota.key.account == "my-project"
    assert result.readings[key].quota.limit == 24.0
    assert result.readings[networks].usage.value == 3.0


def test_unquoted_account_id_keeps_its_leading_zeros(tmp_path):
    path = write(
        tmp_path,
        """\
        provider: aws
        account: 012345678901
        region: us-east-1
        quotas: []
    """,
    )
    # YAML 1.1 reads 012345678901 as octal-looking text or an int; either way 12 digits survive.
    assert SnapshotSource.from_file(path).account in {"012345678901"}


def test_empty_quota_list_is_valid(tmp_path):
    path = write(tmp_path, "provider: aws\nquotas: []\n")
    source = SnapshotSource.from_file(path)
    assert source.account == "" and source.keys == []


# ---------------------------------------------------------------- malformed files


def error_for(tmp_path, text, name="bad.yaml"):
    path = write(tmp_path, text, name)
    with pytest.raises(SnapshotError) as caught:
        SnapshotSource.from_file(path)
    return caught.value, path


def entry(extra: str, base="  - service: lambda\n    code: L-B99A9384\n") -> str:
    return "provider: aws\nregion: us-east-1\nquotas:\n" + base + extra


@pytest.mark.parametrize(
    ("text", "entry_name", "field", "words"),
    [
        (entry("    limit: many\n"), "quotas[0]", "limit", "must be a number, got 'many'"),
        (entry("    limit: true\n"), "quotas[0]", "limit", "must be a number, got True"),
        (entry("    limit: -5\n"), "quotas[0]", "limit", "can't be negative"),
        (entry(""), "quotas[0]", "limit", "missing; use null or -1"),
        (entry("    limit: 5\n    usage: lots\n"), "quotas[0]", "usage", "must be a number"),
        (entry("    limit: 5\n    usage: -1\n"), "quotas[0]", "usage", "can't be negative"),
        (
            entry("    limit: 5\n    adjustable: maybe\n"),
            "quotas[0]",
            "adjustable",
            "true or false",
        ),
        (entry("    limt: 5\n"), "quotas[0]", "limt", "unknown field(s) limt"),
        (entry("    limit: 5\n", base="  - code: L-1\n"), "quotas[0]", "service", "missing"),
        (
            entry("    limit: 5\n", base="  - service: x\n    code: ''\n"),
            "quotas[0]",
            "code",
            "non-empty string",
        ),
        (
            entry("    limit: 5\n", base="  - service: x\n    code: 7\n"),
            "quotas[0]",
            "code",
            "non-empty string",
        ),
        (entry("    limit: 5\n    region: 3\n"), "quotas[0]", "region", "non-empty string"),
        (
            "provider: aws\nquotas:\n  - service: a\n    code: b\n    limit: 1\n",
            "quotas[0]",
            "region",
            "missing; give the entry a region or the file a default region",
        ),
        (
            entry("  - 42\n", base="  - {service: a, code: b, limit: 1}\n"),
            "quotas[1]",
            None,
            "a quota entry must be a mapping, got int",
        ),
    ],
)
def test_bad_entry_names_file_entry_and_field(tmp_path, text, entry_name, field, words):
    error, path = error_for(tmp_path, text)
    assert error.path == str(path)
    assert error.entry == entry_name
    assert getattr(error, "field", None) == field
    assert words in error.message
    rendered = str(error)
    assert rendered.startswith(f"{path}: {entry_name}: " + (f"{field}: " if field else ""))


def test_duplicate_entries_are_an_error_naming_both(tmp_path):
    text = entry(
        "    limit: 5\n  - service: lambda\n    code: L-B99A9384\n    limit: 7\n"
        "    region: us-east-1\n"
    )
    error, _ = error_for(tmp_path, text)
    assert error.entry == "quotas[1]"
    assert "duplicate entry for lambda/L-B99A9384 in us-east-1" in error.message
    assert "quotas[0]" in error.message


def test_same_code_in_two_regions_is_not_a_duplicate(tmp_path):
    text = entry(
        "    limit: 5\n  - service: lambda\n    code: L-B99A9384\n    limit: 7\n"
        "    region: eu-west-1\n"
    )
    source = SnapshotSource.from_file(write(tmp_path, text))
    assert len(source.keys) == 2


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("- a\n- b\n", None, "must be a mapping"),
        ("", None, "got nothing"),
        ("provider: azure\nquotas: []\n", "provider", "must be one of aws, gcp, got 'azure'"),
        ("quotas: []\n", "provider", "got None"),
        ("provider: aws\n", "quotas", "must be a list"),
        ("provider: aws\nquotas: {a: 1}\n", "quotas", "must be a list"),
        ("provider: aws\naccount: '12'\nquotas: []\n", "account", "12 digits"),
        ("provider: aws\nproject: p\nquotas: []\n", "project", "names its account, not a project"),
        ("provider: gcp\naccount: '123456789012'\nquotas: []\n", "account", "names its project"),
        ("provider: aws\nquotas: []\nextra: 1\n", "extra", "unknown field(s) extra"),
        ("provider: aws\nregion: ''\nquotas: []\n", "region", "non-empty string"),
    ],
)
def test_bad_top_level(tmp_path, text, field, words):
    error, path = error_for(tmp_path, text)
    assert error.path == str(path)
    assert getattr(error, "entry", None) is None
    assert getattr(error, "field", None) == field
    assert words in error.message


def test_invalid_yaml(tmp_path):
    error, _ = error_for(tmp_path, "provider: aws\nquotas: [\n")
    assert error.message.startswith("not valid YAML")
    assert "\n" not in str(error)  # one line for the CLI


def test_invalid_json(tmp_path):
    error, _ = error_for(tmp_path, "{not json", name="bad.json")
    assert error.message.startswith("not valid JSON")


def test_missing_file(tmp_path):
    with pytest.raises(SnapshotError, match="no such snapshot file") as caught:
        SnapshotSource.from_file(tmp_path / "nope.yaml")
    assert caught.value.path == str(tmp_path / "nope.yaml")


# ---------------------------------------------------------------- open_source


def test_open_source_snapshot_relative_to_base_dir(tmp_path):
    write(tmp_path, AWS_SNAPSHOT)
    source = open_source("quotas.yaml", base_dir=tmp_path)
    assert isinstance(source, SnapshotSource)
    assert source.read([aws("L-B99A9384")]).readings


def test_open_source_missing_file_is_a_snapshot_error(tmp_path):
    with pytest.raises(SnapshotError, match="no such snapshot file"):
        open_source("missing.yaml", base_dir=tmp_path)


@pytest.mark.parametrize("spec", ["", "  ", "aws:", "aws: , ", "gcp:", "gcp: "])
def test_open_source_rejects_incomplete_specs(spec):
    with pytest.raises(ConfigurationError):
        open_source(spec)


def test_importing_sources_does_not_import_cloud_sdks():
    import subprocess

    code = (
        "import sys, quotapilot.sources; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3','botocore','google',"
        "'googleapiclient')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names():
    import quotapilot.sources as sources

    assert sorted(sources.__all__) == [
        "QuotaSource",
        "SnapshotSource",
        "SourceResult",
        "open_source",
    ]
