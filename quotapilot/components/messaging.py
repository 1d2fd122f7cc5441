"""Where the automation's messages go: the alerts and events topics (and who subscribes to
alerts), the EventBridge bus, and the dead-letter queue for what could not be delivered."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from quotapilot.components.part import TYPE_PREFIX, PartArgs, resource_options

#: Two weeks, SQS's longest: time to look at what failed before it is gone.
DEAD_LETTER_RETENTION_SECONDS = 1_209_600


@dataclass(frozen=True, kw_only=True)
class MessagingArgs(PartArgs):
    #: The key (id) encrypting the topics and the queue.
    key_id: pulumi.Input[str]
    #: Subscriptions to the alerts topic: (protocol, endpoint), protocol ``email``, ``https``
    #: or ``sqs`` (raw message delivery).
    alert_subscriptions: tuple[tuple[str, pulumi.Input[str]], ...] = ()


class Messaging(pulumi.ComponentResource):
    """Encrypted topics and queue, and the bus quotapilot's events travel on."""

    def __init__(
        self, name: str, args: MessagingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_PREFIX + "Messaging", name, None, opts)
        child = resource_options(self, opts)
        prefix, tags = args.prefix, args.tags
        self.alerts_topic = aws.sns.Topic(
            f"{prefix}-alerts", kms_master_key_id=args.key_id, tags=tags, opts=child
        )
        self.events_topic = aws.sns.Topic(
            f"{prefix}-events", kms_master_key_id=args.key_id, tags=tags, opts=child
        )
        for index, (protocol, endpoint) in enumerate(args.alert_subscriptions):
            aws.sns.TopicSubscription(
                f"{prefix}-alerts-{protocol}-{index}",
                topic=self.alerts_topic.arn,
                protocol=protocol,
                endpoint=endpoint,
                raw_message_delivery=protocol == "sqs",
                opts=child,
            )
        self.dead_letters = aws.sqs.Queue(
            f"{prefix}-dlq",
            kms_master_key_id=args.key_id,
            message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            tags=tags,
            opts=child,
        )
        self.bus = aws.cloudwatch.EventBus(f"{prefix}-bus", tags=tags, opts=child)
        self.register_outputs(
            {
                "alerts_topic_arn": self.alerts_topic.arn,
                "events_topic_arn": self.events_topic.arn,
                "dead_letters_arn": self.dead_letters.arn,
                "bus_name": self.bus.name,
            }
        )
