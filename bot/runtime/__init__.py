"""Running the bot: settings, wiring the services, the Slack app, the HTTP server, the CLI and
the background jobs of each process."""
