"""Member accounts: one assumed-role session per account (moto STS), clients cached."""

from __future__ import annotations

from quotapilot import wiring
from quotapilot.engine.accounts import AccountClients
from quotapilot.engine.config import MemberAccount
from quotapilot.engine.permissions import actions_of


def test_member_account_clients_use_the_assumed_role(stack, aws_calls):
    clients = AccountClients(
        (
            MemberAccount("222222222222", "arn:aws:iam::222222222222:role/quotapilot-member"),
            MemberAccount("333333333333"),
        )
    )
    member = clients.client("service-quotas", "222222222222", "eu-west-1")
    assert member is clients.client("service-quotas", "222222222222", "eu-west-1")
    credentials = member._request_signer._credentials
    assert credentials.access_key.startswith("ASIA") and credentials.token  # temporary keys
    assert member.meta.region_name == "eu-west-1"
    # the same session serves the account's other clients: one AssumeRole per account
    clients.client("support", "222222222222", "us-east-1")
    assert aws_calls == {"sts:AssumeRole"} <= actions_of(wiring.FUNCTION_ENGINE)
    # an account without a role is read with the function's own credentials
    own = clients.client("service-quotas", "333333333333", "us-east-1")
    assert not own._request_signer._credentials.access_key.startswith("ASIA")


def test_expiring_credentials_are_renewed(stack, aws_calls):
    from datetime import UTC, datetime, timedelta

    clients = AccountClients((MemberAccount("222222222222", "arn:aws:iam::222222222222:role/qp"),))
    first = clients.client("service-quotas", "222222222222", "us-east-1")
    assert clients.client("service-quotas", "222222222222", "us-east-1") is first
    clients._expires["222222222222"] = datetime.now(UTC) + timedelta(seconds=30)  # about to expire
    renewed = clients.client("service-quotas", "222222222222", "us-east-1")
    assert renewed is not first
    assert clients._expires["222222222222"] > datetime.now(UTC) + timedelta(minutes=5)
