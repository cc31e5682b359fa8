"""The console's own commands, misused: each gets one friendly line, never a traceback or the
framework's developer hint."""

from __future__ import annotations

import io

from bot.localslack.console import run_console

SCRIPT = [
    "!submit text", "!shortcut log_retro_action", "!shortcut nope", "!shortcut", "!advance",
    "!advance 99w", "!advance soon", "!as nobody", "!clock", "!clock someday 8:00", "99",
    "/unknown text", "!unknown", "@bob hello",
]


async def test_misused_console_commands_get_one_friendly_line_each(sqlite_url_copy):
    out = io.StringIO()
    assert await run_console(SCRIPT, out, sqlite_url_copy) == 0
    shown = out.getvalue()
    assert "Traceback" not in shown and "could not do that" not in shown
    for expected in (
        "That shortcut acts on a message: post one in the channel first",
        "There is no shortcut nope. Shortcuts: which_principle, log_retro_action.",
        "-- modal: Which principle? --",
        "Say how far, up to 8 weeks: !advance 1d, !advance 2h, !advance 30m.",
        "There is nobody called nobody here. !who lists who you can play.",
        "Say a day and a time: !clock monday 08:00.",
        "No modal is open.",
        "There is no button 99.",
        "There is no /unknown here.",
        "There is no !unknown in the console. Type !help for what there is.",
        "-- posted in your DM, in the thread --",
    ):
        assert expected in shown, expected
    assert shown.count("Say how far") == 3
    assert "@alex asked: @bob hello" in shown  # @bob became a mention of Bob
