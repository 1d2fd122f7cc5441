"""boto3 clients for the AWS source: one session, retries in adaptive mode, optional role.

Everything is created lazily so that constructing a source costs nothing, and every client can
be replaced (tests pass clients wrapped in a botocore Stubber).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from quotapilot.exceptions import SourceError
from quotapilot.permissions import MEMBER_ACCOUNT_ROLE, NO_RESOURCE_SCOPE, Needs

if TYPE_CHECKING:
    import boto3
    from botocore.client import BaseClient

#: Throttling and 5xx are retried by botocore itself; adaptive mode also rate-limits the client
#: side when Service Quotas or CloudWatch push back, which a collection over many services does.
RETRIES: dict[str, Any] = {"mode": "adaptive", "max_attempts": 8}

#: Where global quotas (IAM, Organizations, ...) and their usage metrics live.
GLOBAL_REGION = "us-east-1"


class AwsClients:
    """Hands out (and caches) one client per (service, region) for one account."""

    permissions = (
        Needs(("sts:AssumeRole",), MEMBER_ACCOUNT_ROLE, "read quotas in member accounts"),
        Needs(
            ("sts:GetCallerIdentity",),
            NO_RESOURCE_SCOPE,
            "which account the clients read, when nothing names it; GetCallerIdentity "
            "supports no resource scope",
        ),
    )

    def __init__(
        self,
        *,
        session: boto3.Session | None = None,
        role_arn: str | None = None,
        clients: Mapping[tuple[str, str], BaseClient] | None = None,
        external_id: str | None = None,
    ) -> None:
        self._session = session
        self.role_arn = role_arn
        self.external_id = external_id
        self._clients: dict[tuple[str, str], BaseClient] = dict(clients or {})
        self._assumed: dict[str, str] | None = None

    def client(self, service: str, region: str) -> BaseClient:
        """The client for a botocore service name (``service-quotas``, ``cloudwatch``)."""
        key = (service, region)
        if key not in self._clients:
            from botocore.config import Config

            # A copy: botocore rewrites the retries dict it is given.
            config = Config(retries=dict(RETRIES), user_agent_extra="quotapilot")
            # An assumed role's clients come from the same session, with the role's
            # credentials: a session of its own would reload botocore's endpoint and service
            # data, a quarter of a second of CPU every collection.
            self._clients[key] = self.session.client(
                service, region_name=region, config=config, **self._credentials()
            )
        return self._clients[key]

    @property
    def session(self) -> boto3.Session:
        """The session the clients are made from (the caller's, or the process's own)."""
        if self._session is None:
            self._session = shared_session()
        return self._session

    def _credentials(self) -> dict[str, str]:
        if self.role_arn is None:
            return {}
        if self._assumed is None:
            self._assumed = self._assume_role()
        return self._assumed

    def _assume_role(self) -> dict[str, str]:
        from botocore.exceptions import BotoCoreError, ClientError

        assert self.role_arn is not None
        from botocore.config import Config

        # The caller's own credentials assume the role (not the role's: it has none yet).
        sts = self._clients.get(("sts", "")) or self.session.client(
            "sts", region_name=GLOBAL_REGION, config=Config(retries=dict(RETRIES))
        )
        params: dict[str, Any] = {
            "RoleArn": self.role_arn,
            "RoleSessionName": "quotapilot-quota-read",
            # Short-lived: one collection takes seconds, not the default hour.
            "DurationSeconds": 900,
        }
        if self.external_id:
            params["ExternalId"] = self.external_id
        try:
            credentials = sts.assume_role(**params)["Credentials"]
        except (ClientError, BotoCoreError) as exc:
            raise SourceError(f"can't assume role: {exc}", role_arn=self.role_arn) from None
        return {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }

    def account_id(self) -> str:
        """The account the clients read: from the role ARN, else from STS GetCallerIdentity."""
        if self.role_arn:
            parts = self.role_arn.split(":")
            if len(parts) >= 5 and parts[4].isdigit():
                return parts[4]
        from botocore.exceptions import BotoCoreError, ClientError

        sts = self._clients.get(("sts", "")) or self.client("sts", GLOBAL_REGION)
        try:
            return sts.get_caller_identity()["Account"]
        except (ClientError, BotoCoreError) as exc:
            raise SourceError(f"can't tell which AWS account to read: {exc}") from None


_SHARED: dict[str, Any] = {}


def shared_session() -> boto3.Session:
    """One boto3 session per process: it caches the service and endpoint data every client
    would otherwise load again."""
    if "session" not in _SHARED:
        import boto3

        _SHARED["session"] = boto3.Session()
    return _SHARED["session"]
