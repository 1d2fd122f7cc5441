"""Acting on a decision: the decide-act-record step (:mod:`.actions`), alerts within
cooldowns (:mod:`.alerts`) and idempotent increase requests (:mod:`.increase`)."""
