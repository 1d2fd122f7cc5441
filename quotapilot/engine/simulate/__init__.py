"""``quotapilot simulate``: a usage history replayed through the engine's forecasting and
decision code (:mod:`.replay`), its inputs (:mod:`.history`) and its plot (:mod:`.plot`)."""
