"""principlebot: the application around the knowledge base (settings, storage, Slack, CLI)."""

__version__ = "0.1.0"
