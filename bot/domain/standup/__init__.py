"""Stand-up checklists: runs of a checklist in a channel, people's ticks, blockers, reports."""
