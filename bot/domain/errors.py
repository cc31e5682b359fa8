"""The one kind of failure the domain reports to a person."""


class DomainError(Exception):
    """A request that cannot be done. The message is written for the person who asked, in
    plain words; the caller (Slack layer, CLI) may add how to do it instead."""
