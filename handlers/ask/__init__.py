"""Asking which practice applies: /principles, its buttons, mentions, DMs, the global shortcut."""
