"""Messages that greet or thank the bot, ask for help, or are only emoji: answered with a
short greeting and the help, never sent to the matcher (which would try to find a practice
in "hi"). A rule of the Slack layer, independent of the matcher's scores."""

from __future__ import annotations

import re

GREETINGS = frozenset({
    "hi", "hello", "hey", "hiya", "howdy", "yo", "morning", "good morning",
    "good afternoon", "good evening", "hi there", "hello there", "hey there",
})
THANKS = frozenset({"thanks", "thank you", "thx", "ty", "cheers", "thanks a lot",
                    "thank you very much", "many thanks", "great thanks", "ok thanks"})
HELP = frozenset({"help", "?", "help me", "what can you do", "what can you do?"})
LONGEST = 40  # longer than any of the above: read no further
_SHORTCODE = re.compile(r":[a-z0-9_+\-']{1,60}:")
_PUNCTUATION = re.compile(r"[\s!.,?\u2019'\-~]+")


def _words(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split())


def only_emoji(text: str) -> bool:
    """`:wave:`, `:+1: :tada:`, or pictographs with no letters or digits."""
    rest = _SHORTCODE.sub("", text[:LONGEST * 4])
    return bool(text.strip()) and not any(ch.isalnum() for ch in rest)


def kind_of(text: str) -> str | None:
    """"greeting", "thanks", "help" or "emoji" for small talk; None for a real question."""
    if len(text) > LONGEST * 4:
        return None
    if only_emoji(text):
        return "emoji"
    words = _words(_SHORTCODE.sub(" ", text))
    if len(words) > LONGEST:
        return None
    if words in THANKS:
        return "thanks"
    if words in HELP or text.strip() == "?":
        return "help"
    if words in GREETINGS or words.removesuffix(" principlebot") in GREETINGS:
        return "greeting"
    return None


def reply_line(kind: str) -> str:
    return {
        "thanks": "You're welcome! :slightly_smiling_face:",
        "help": "Here's what I can do.",
    }.get(kind, "Hi! :wave: I'm principlebot.") + (
        " Describe a situation in your own words and I'll name the OECD practice that "
        "applies; here's the rest:")
