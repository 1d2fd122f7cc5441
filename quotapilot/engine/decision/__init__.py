"""Deciding, with no I/O: the decision for one quota (:mod:`.decide`), the forecast alarms
(:mod:`.alarm`), the forecaster (:mod:`.forecasting`) and how far ahead it must look
(:mod:`.increase_paths`)."""
