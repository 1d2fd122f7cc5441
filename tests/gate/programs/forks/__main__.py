"""Forks: the child runs on through the rest of the program too."""

import os

import pulumi_aws as aws

pid = os.fork()
aws.sns.Topic("after-fork")
if pid:
    os.waitpid(pid, 0)
