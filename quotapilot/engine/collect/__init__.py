"""Collecting: which quotas to read where (:mod:`.collection`), and the engine's tables of
rules and usage series (:mod:`.store`)."""
