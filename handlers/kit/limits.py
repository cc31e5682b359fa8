"""Slack's Block Kit limits, named once (https://api.slack.com/reference/block-kit)."""

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100  # a modal or the Home tab
SECTION_TEXT = 3000
CONTEXT_TEXT = 2000  # one element of a context block
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_DESCRIPTION = 75
OPTION_GROUP_LABEL = 75
PLACEHOLDER = 150
INPUT_LABEL = 2000
INPUT_HINT = 2000
MODAL_TITLE = 24
MODAL_BUTTON = 24  # submit and close
MAX_CHECKBOXES = 10
TEXT_INPUT = 3000  # a plain-text input's max_length
# A slash command's text: Slack's message limit (the composer refuses more). Parsers refuse
# anything longer before reading it.
COMMAND_TEXT = 40_000
