"""A local stand-in for Slack's Web API and response URLs: the console's Slack, and the tests'
Slack double. See `server` for what it does."""

from bot.localslack.standin.server import SlackStandIn
from bot.localslack.standin.tokens import OAuthApp
from bot.localslack.standin.validation import message_errors
from bot.localslack.standin.wire import RESPONSE_URL, UPLOAD_URL, RecordedCall

__all__ = ["RESPONSE_URL", "UPLOAD_URL", "OAuthApp", "RecordedCall", "SlackStandIn",
           "message_errors"]
