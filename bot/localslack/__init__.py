"""What lets the bot run with no Slack workspace: the console, its terminal rendering, the
Web API stand-in and the builder of signed Slack requests (also used by tests and benchmarks)."""
