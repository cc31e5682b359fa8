"""Stand-up checklists from Slack: /standup, the shared checklist, a person's own answers."""
