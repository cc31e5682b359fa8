"""Words every command understands the same way."""

HELP_WORDS = frozenset({"help", "?", "-h", "--help"})


def is_help(word: str) -> bool:
    return word.strip().lower() in HELP_WORDS
