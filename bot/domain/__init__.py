"""The team's routine as plain Python: retro actions, stand-ups, weekly prompt schedules and
the log of handled deliveries. Plain values in and out; no Slack payloads or wording (errors
say what went wrong in plain words, the Slack layer adds which command to type), no CLI errors.
Every service takes an injected clock, so tests move time by hand."""
