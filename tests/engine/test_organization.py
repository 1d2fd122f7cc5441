"""A whole organisation (QUOTAPILOT_ORGANIZATION): its active accounts are listed from AWS
Organizations each run (moto), read through the member role of the configured name, and
merged with the configured accounts; a listing that fails is reported, not silent."""

from __future__ import annotations

import dataclasses
import json

import pytest

from quotapilot import wiring
from quotapilot.engine.accounts import AccountClients, OrganizationAccounts
from quotapilot.engine.aws import make_client
from quotapilot.engine.config import EngineConfig, MemberAccount, Organization
from quotapilot.engine.exceptions import EngineConfigurationError
from quotapilot.engine.permissions import actions_of
from quotapilot.engine.roots import engine as engine_root
from tests.engine.conftest import put_rules
from tests.engine.fakes import FakeSource

ROLE = "quotapilot-collector"


def organisation(closed: int = 0) -> tuple[Organization, list[str]]:
    """An organisation with three member accounts (and its management account)."""
    client = make_client("organizations", region="us-east-1")
    org_id = client.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    members = []
    for index in range(3):
        status = client.create_account(AccountName=f"team-{index}", Email=f"t{index}@example.com")
        members.append(status["CreateAccountStatus"]["AccountId"])
    for account in members[:closed]:
        client.close_account(AccountId=account)
    return Organization(org_id, ROLE), members


def test_active_accounts_are_listed_with_the_member_role(stack, aws_calls):
    organization, members = organisation(closed=1)
    aws_calls.clear()  # the organisation's set-up
    listed = OrganizationAccounts(organization).members()
    accounts = [m.account for m in listed]
    assert set(members[1:]) <= set(accounts) and members[0] not in accounts  # closed: skipped
    assert all(m.role_arn == f"arn:aws:iam::{m.account}:role/{ROLE}" for m in listed)
    assert aws_calls == {"organizations:ListAccounts"} <= actions_of(wiring.FUNCTION_ENGINE)


def test_the_cycle_reads_configured_and_organisation_accounts_once_each(stack):
    organization, members = organisation()
    configured = MemberAccount(members[0], f"arn:aws:iam::{members[0]}:role/custom")
    config = dataclasses.replace(
        stack.config, accounts=(configured,), organization=organization, regions=("us-east-1",)
    )
    put_rules(stack, {"service": "lambda", "code": "L-1", "automation_level": "alert_only"})
    read = []

    def factory(account, regions):
        read.append(account)
        return FakeSource(account.account, {})

    engine = engine_root.build(config, source_factory=factory)
    report = engine.cycle.run()
    assert [f for f in report.failures if f["account"] == "organization"] == []
    by_account = {a.account: a for a in read}
    assert len(read) == len(by_account)  # each account once
    assert by_account[members[0]] == configured  # the configured role wins
    for account in members[1:]:
        assert by_account[account] == organization.member(account)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        # the stack is in an account Organizations doesn't let list (real AWS)
        (("AccessDeniedException", "You don't have permissions"), "AccessDeniedException"),
        # moto's answer outside an organisation: no account at all
        ([], "OrganizationUnreadable"),
    ],
)
def test_a_failed_listing_is_reported_and_the_configured_accounts_still_read(stack, answer, error):
    from botocore.stub import Stubber

    organization = Organization("o-abcdefghij", ROLE)
    configured = MemberAccount("222222222222", f"arn:aws:iam::222222222222:role/{ROLE}")
    config = dataclasses.replace(stack.config, accounts=(configured,), organization=organization)
    read = []

    def factory(account, regions):
        read.append(account)
        return FakeSource(account.account, {})

    put_rules(stack, {"service": "lambda", "code": "L-1", "automation_level": "alert_only"})
    engine = engine_root.build(config, source_factory=factory)
    client = make_client("organizations", region="us-east-1")
    stubber = Stubber(client)
    for _ in range(2):  # the cycle, then the fan-out's list step
        if isinstance(answer, tuple):
            stubber.add_client_error("list_accounts", *answer)
        else:
            stubber.add_response("list_accounts", {"Accounts": answer})
    stubber.activate()
    engine.cycle.organization_accounts = OrganizationAccounts(organization, client)
    report = engine.cycle.run()
    [failure] = [f for f in report.failures if f["account"] == "organization"]
    assert failure["stage"] == "collect" and error in failure["error"]
    assert read == [configured]
    # the fan-out cycle's list step has no report to put it in: it fails, and is retried
    with pytest.raises(Exception) as caught:
        engine.cycle.plan()
    assert error in f"{type(caught.value).__name__}: {caught.value}"
    stubber.assert_no_pending_responses()


def test_accounts_not_configured_are_reached_through_the_organisation_role(stack, aws_calls):
    organization, members = organisation()
    clients = AccountClients((), organization=organization)
    client = clients.client("service-quotas", members[1], "us-east-1")
    assert client._request_signer._credentials.access_key.startswith("ASIA")  # assumed
    assert "sts:AssumeRole" in aws_calls
    # without an organisation, an unknown account is this one (no role)
    own = AccountClients(()).client("service-quotas", members[1], "us-east-1")
    assert not own._request_signer._credentials.access_key.startswith("ASIA")


@pytest.mark.parametrize(
    "value",
    ['{"id": "org-1", "role_name": "r"}', '{"id": "o-abcdefghij"}', "[]", "{"],
)
def test_a_bad_organisation_setting_names_the_variable(value):
    with pytest.raises(EngineConfigurationError) as caught:
        EngineConfig.from_env({wiring.ENV_ORGANIZATION: value})
    assert caught.value.context["path"] == wiring.ENV_ORGANIZATION


def test_the_setting_decodes_as_the_components_encode_it():
    from quotapilot.envvalues import encode_organization

    text = encode_organization("o-abcdefghij", ROLE)
    config = EngineConfig.from_env({wiring.ENV_ORGANIZATION: text})
    assert config.organization == Organization("o-abcdefghij", ROLE)
    assert json.loads(text) == {"id": "o-abcdefghij", "role_name": ROLE}
    assert EngineConfig.from_env({wiring.ENV_ORGANIZATION: encode_organization("", ROLE)}) == (
        EngineConfig()
    )
