"""What the three Lambda handlers call (:mod:`.engine`, :mod:`.events`, :mod:`.approval`):
each builds its function's parts once per container (cold start), from the environment,
parses every invocation at the boundary and dispatches it. The handlers in
``quotapilot.handlers`` only import and call these."""
