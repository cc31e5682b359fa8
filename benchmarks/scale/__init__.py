"""Scale benchmark: one team with up to a million retro actions; `python -m benchmarks.scale`
(see __main__)."""
