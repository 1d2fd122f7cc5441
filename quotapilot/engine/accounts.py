"""Clients in member accounts: one assumed-role session per account, one client per service
and region, created on first use and cached for the cycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from quotapilot import permissions as p
from quotapilot.engine.aws import UsesAws, make_client
from quotapilot.engine.config import MemberAccount, Organization
from quotapilot.engine.exceptions import OrganizationUnreadable
from quotapilot.permissions import Needs

REFRESH_BEFORE = timedelta(minutes=2)


class AccountClients:
    permissions = (Needs(("sts:AssumeRole",), p.MEMBER_ACCOUNT_ROLE, "act in member accounts"),)

    def __init__(
        self,
        accounts: tuple[MemberAccount, ...],
        *,
        session: Any = None,
        organization: Organization | None = None,
    ) -> None:
        self.accounts = {a.account: a for a in accounts}
        #: Accounts not configured are reached through the organisation's member role.
        self.organization = organization
        self._session = session
        self._sessions: dict[str, Any] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._expires: dict[str, datetime] = {}

    def inject(self, service: str, account: str, region: str, client: Any) -> None:
        """Tests (and the benchmark) hand in stubbed clients."""
        self._clients[(service, account, region)] = client

    def client(self, service: str, account: str, region: str) -> Any:
        self._refresh(account)
        slot = (service, account, region)
        if slot not in self._clients:
            self._clients[slot] = make_client(
                service, session=self._session_for(account), region=region
            )
        return self._clients[slot]

    def _refresh(self, account: str) -> None:
        """Assumed-role credentials last 15 minutes and a warm Lambda container outlives them:
        drop the account's session and clients shortly before they expire."""
        expires = self._expires.get(account)
        if expires is not None and expires - datetime.now(UTC) < REFRESH_BEFORE:
            self._sessions.pop(account, None)
            self._expires.pop(account, None)
            for slot in [s for s in self._clients if s[1] == account]:
                del self._clients[slot]

    def _session_for(self, account: str) -> Any:
        member = self.accounts.get(account)
        if member is None and self.organization is not None and account:
            member = self.organization.member(account)
        if member is None or not member.role_arn:
            return self._session
        if account not in self._sessions:
            import boto3

            sts = make_client("sts", session=self._session)
            credentials = sts.assume_role(
                RoleArn=member.role_arn, RoleSessionName="quotapilot-engine", DurationSeconds=900
            )["Credentials"]
            self._sessions[account] = boto3.session.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
            )
            self._expires[account] = credentials["Expiration"]
        return self._sessions[account]


class OrganizationAccounts(UsesAws):
    """Every active account of the organisation, as the engine reaches it (its member role).

    The stack runs in the management account or in a delegated administrator's (AWS
    Organizations answers ListAccounts only there); the member role must exist in every
    account listed, the engine's own included."""

    service = "organizations"
    permissions = (
        Needs(
            ("organizations:ListAccounts",),
            p.ORGANIZATION,
            "list the organisation's accounts (the action takes no resource ARN)",
        ),
    )

    def __init__(self, organization: Organization, client: Any = None, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.organization = organization

    def members(self) -> tuple[MemberAccount, ...]:
        found = []
        for page in self.client.get_paginator("list_accounts").paginate():
            for account in page.get("Accounts", []):
                # State replaces the deprecated Status; a suspended or closing account has
                # nothing to watch, and its role can't be assumed.
                if (account.get("State") or account.get("Status")) == "ACTIVE":
                    found.append(self.organization.member(account["Id"]))
        if not found:  # an organisation always has its management account: fail closed
            raise OrganizationUnreadable(
                "AWS Organizations listed no active account",
                organization=self.organization.id,
            )
        return tuple(sorted(found, key=lambda m: m.account))
