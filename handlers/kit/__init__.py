"""What every Slack feature uses: Block Kit limits and builders, escaping and truncation, Slack
markup read back as plain text, one way to tell a person something failed, the ids and services
of a request (from Bolt's context), and the one global error handler."""
