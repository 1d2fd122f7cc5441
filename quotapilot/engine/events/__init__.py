"""The event processor (:mod:`.processor`), its handlers per detail type (:mod:`.single`,
:mod:`.fleet`), what a handler gets (:mod:`.handling`), and the events table
(:mod:`.recording`)."""
