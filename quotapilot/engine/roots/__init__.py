"""One composition root per Lambda function (:mod:`.engine`, :mod:`.events`,
:mod:`.approval`): each builds, from the function's :class:`EngineConfig`, every object the
function runs, as a frozen "parts" value with typed fields. Building makes no client and no
call (clients are created on first use), so the same roots, built on a plan-time
configuration, are what each function's IAM policy is computed from
(:mod:`quotapilot.engine.permissions`)."""
