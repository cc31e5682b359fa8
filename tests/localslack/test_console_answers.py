"""The console shows every kind of answer the Slack layer gives: a decline, a principle's
overview, a note about what does not exist, the language a question was understood as, and
choices when the best match is probably not right."""

from __future__ import annotations

import io

from bot.localslack.console import run_console

SCRIPT = [
    "@ privacy", "2", "the coffee machine is broken again", "p4", "principle 11",
    "/principles 4.7",
    "pourquoi les usagers doivent-ils redonner les mêmes pièces à chaque démarche ?",
]


async def test_the_console_shows_every_kind_of_answer(sqlite_url_copy):
    out = io.StringIO()
    assert await run_console(SCRIPT, out, sqlite_url_copy) == 0
    shown = out.getvalue()
    assert "Traceback" not in shown and "could not do that" not in shown
    for expected in (
        "That doesn't look like a question about designing or delivering a public service",
        "PRINCIPLE 4", "*4.6 Anticipating the consequences of transformation*",
        "There is no principle 11: there are 10 principles.", "[1] All principles",
        "There is no practice 4.7: principle 4 has practices 4.1 to 4.6.", "[1] Principle 4",
        "Understood as French; the OECD text is quoted in English.",
        "*10.3 Asking users for information once",
        "I'm not sure which practice applies. The closest ones:",
    ):
        assert expected in shown, expected
    # Picking the second choice on the posted message answers with it, source text and all.
    picked = shown.split("> 2\n", 1)[1].split("\n> ", 1)[0]
    assert "-- only you can see this --" in picked
    assert "encourage a team culture where security and privacy" in picked
