"""The Slack stand-in through real HTTP: slack_sdk's AsyncWebClient and posts to response URLs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.localslack.standin import SlackStandIn


@pytest.fixture
def client(standin: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(base_url=standin.api_url, token="xoxb-test", retry_handlers=[])


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str, action_id: str = "go") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": "Principles"},
            "blocks": blocks, **extra}


async def post_json(url: str, body: Any) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as res:
        return res.status, await res.json()


async def rejected(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        await call
    return info.value


# ---------------------------------------------------------------------- lifecycle and basics


async def test_api_url_is_loopback_with_trailing_slash(standin: SlackStandIn):
    assert standin.api_url.startswith("http://127.0.0.1:")
    assert standin.api_url.endswith("/api/")
    assert not standin.api_url.startswith("http://127.0.0.1:0/")


async def test_api_url_before_start_is_an_error():
    with pytest.raises(RuntimeError):
        _ = SlackStandIn().api_url


async def test_auth_test_answers_the_configured_identity():
    server = SlackStandIn(team_id="T42", bot_user_id="U42BOT", bot_id="B42")
    await server.start()
    try:
        client = AsyncWebClient(base_url=server.api_url, token="xoxb-abc", retry_handlers=[])
        res = await client.auth_test()
    finally:
        await server.stop()
    assert (res["user_id"], res["bot_id"], res["team_id"]) == ("U42BOT", "B42", "T42")
    assert res["team"] and res["user"] and res["url"].startswith("https://")
    assert server.calls[0].method == "auth.test"
    assert server.calls[0].token == "xoxb-abc"


async def test_a_request_without_a_token_is_not_authed(standin: SlackStandIn):
    anonymous = AsyncWebClient(base_url=standin.api_url, retry_handlers=[])
    error = await rejected(anonymous.auth_test())
    assert error.response["error"] == "not_authed"
    assert standin.invalid and standin.invalid[0][0] == "auth.test"


# ---------------------------------------------------------------------- messages


async def test_post_message_answers_like_slack_and_records_decoded_blocks(
    standin: SlackStandIn, client: AsyncWebClient
):
    blocks = [SectionBlock(text="*hello*"), ActionsBlock(elements=[ButtonElement(
        text="More", action_id="more", value="4.2")])]
    first = await client.chat_postMessage(channel="C1", text="hello", blocks=blocks)
    second = await client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"])

    assert first["ok"] and first["channel"] == "C1"
    assert first["ts"] < second["ts"]
    assert first["ts"].count(".") == 1 and len(first["ts"].split(".")[1]) == 6
    assert first["message"]["text"] == "hello"
    assert first["message"]["user"] == "UBOT"
    assert first["message"]["blocks"][1]["elements"][0]["action_id"] == "more"
    assert "thread_ts" not in first["message"]
    assert second["message"]["thread_ts"] == first["ts"]

    recorded = standin.calls_to("chat.postMessage")
    assert len(recorded) == 2
    assert recorded[0].token == "xoxb-test"
    assert recorded[0].args["blocks"] == [b.to_dict() for b in blocks]
    assert standin.invalid == []


async def test_form_encoded_blocks_are_decoded_from_json_strings(
    standin: SlackStandIn, client: AsyncWebClient
):
    blocks = [section("from a form")]
    res = await client.api_call(
        "chat.postMessage", data={"channel": "C9", "text": "x", "blocks": json.dumps(blocks)}
    )
    assert res["ok"]
    assert standin.calls[0].args["blocks"] == blocks
    assert standin.calls[0].args["channel"] == "C9"


async def test_post_ephemeral_update_delete_and_permalink(
    standin: SlackStandIn, client: AsyncWebClient
):
    eph = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert eph["message_ts"]
    posted = await client.chat_postMessage(channel="C1", text="v1")
    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="v2")
    assert (updated["channel"], updated["ts"], updated["text"]) == ("C1", posted["ts"], "v2")
    link = await client.chat_getPermalink(channel="C1", message_ts=posted["ts"])
    assert "C1" in link["permalink"]
    assert (await client.chat_delete(channel="C1", ts=posted["ts"]))["ok"]
    assert [c.method for c in standin.calls] == [
        "chat.postEphemeral", "chat.postMessage", "chat.update", "chat.getPermalink",
        "chat.delete",
    ]
    assert standin.invalid == []


async def test_section_text_over_3000_characters_is_invalid_blocks(
    standin: SlackStandIn, client: AsyncWebClient
):
    error = await rejected(client.chat_postMessage(
        channel="C1", text="long", blocks=[section("x" * 3001)]))
    assert error.response["error"] == "invalid_blocks"
    assert len(standin.calls_to("chat.postMessage")) == 1  # recorded before rejecting
    [(method, reason)] = standin.invalid
    assert method == "chat.postMessage"
    assert "3000" in reason and "blocks[0]" in reason


async def test_section_text_of_exactly_3000_characters_is_fine(client: AsyncWebClient):
    assert (await client.chat_postMessage(channel="C1", text="t", blocks=[section("x" * 3000)]))[
        "ok"
    ]


async def test_button_text_over_75_characters_is_invalid_blocks(
    standin: SlackStandIn, client: AsyncWebClient
):
    blocks = [{"type": "actions", "elements": [button("b" * 76)]}]
    error = await rejected(client.chat_postEphemeral(channel="C1", user="U1", text="t",
                                                     blocks=blocks))
    assert error.response["error"] == "invalid_blocks"
    assert "75" in standin.invalid[0][1]


async def test_more_than_50_blocks_in_a_message_is_invalid(
    standin: SlackStandIn, client: AsyncWebClient
):
    fifty = [section(f"{i}") for i in range(50)]
    assert (await client.chat_postMessage(channel="C1", text="t", blocks=fifty))["ok"]
    error = await rejected(client.chat_update(channel="C1", ts="1.1", text="t",
                                              blocks=[*fifty, section("one more")]))
    assert error.response["error"] == "invalid_blocks"
    assert standin.invalid[0][0] == "chat.update"
    assert "51" in standin.invalid[0][1]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ({"type": "carousel_of_dreams"}, "unknown block type"),
        (section("hi", acessory=button("typo")), "acessory"),
        ({"type": "section", "text": "a bare string"}, "must be an object"),
        ({"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}, "150"),
        ({"type": "section"}, "text or fields"),
    ],
)
async def test_blocks_slack_would_reject(
    standin: SlackStandIn, client: AsyncWebClient, block: dict[str, Any], expected: str
):
    error = await rejected(client.chat_postMessage(channel="C1", text="t", blocks=[block]))
    assert error.response["error"] == "invalid_blocks"
    assert expected in standin.invalid[0][1]


async def test_duplicate_block_ids_are_rejected(standin: SlackStandIn, client: AsyncWebClient):
    blocks = [section("a", block_id="same"), section("b", block_id="same")]
    await rejected(client.chat_postMessage(channel="C1", text="t", blocks=blocks))
    assert "duplicate block_id" in standin.invalid[0][1]


async def test_message_arguments_slack_requires(standin: SlackStandIn, client: AsyncWebClient):
    no_text = await rejected(client.api_call("chat.postMessage", json={"channel": "C1"}))
    assert no_text.response["error"] == "no_text"
    no_channel = await rejected(client.api_call("chat.postMessage", json={"text": "t"}))
    assert no_channel.response["error"] == "channel_not_found"
    no_user = await rejected(client.api_call(
        "chat.postEphemeral", json={"channel": "C1", "text": "t"}))
    assert no_user.response["error"] == "invalid_arguments"
    assert [method for method, _ in standin.invalid] == [
        "chat.postMessage", "chat.postMessage", "chat.postEphemeral",
    ]


# ---------------------------------------------------------------------- views


async def test_views_open_returns_the_view_with_an_id_and_hash(
    standin: SlackStandIn, client: AsyncWebClient
):
    view = modal([section("body")], callback_id="ask", submit={"type": "plain_text", "text": "Ask"})
    opened = await client.views_open(trigger_id="1.2.abc", view=view)
    assert opened["view"]["id"].startswith("V")
    assert opened["view"]["hash"]
    assert opened["view"]["callback_id"] == "ask"
    updated = await client.views_update(view_id=opened["view"]["id"], view=view)
    assert updated["view"]["id"] == opened["view"]["id"]
    assert standin.calls_to("views.open")[0].args["view"] == view
    assert standin.invalid == []


async def test_a_view_with_101_blocks_is_invalid(standin: SlackStandIn, client: AsyncWebClient):
    hundred = [section(f"{i}") for i in range(100)]
    assert (await client.views_open(trigger_id="t", view=modal(hundred)))["ok"]
    error = await rejected(client.views_push(trigger_id="t", view=modal([*hundred, section("x")])))
    assert error.response["error"] == "invalid_arguments"
    assert standin.invalid[0][0] == "views.push"
    assert "100" in standin.invalid[0][1]


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ({"type": "modal", "blocks": [section("no title")]}, "title is required"),
        (modal([section("x")], title={"type": "plain_text", "text": "t" * 25}), "title"),
        (modal([section("x")], close={"type": "plain_text", "text": "c" * 25}), "close"),
        (modal([{"type": "input", "label": {"type": "plain_text", "text": "Q"},
                 "element": {"type": "plain_text_input", "action_id": "q"}}]), "submit"),
        (modal([section("x")], title="a bare string"), "plain_text object"),
    ],
)
async def test_views_slack_would_reject(
    standin: SlackStandIn, client: AsyncWebClient, view: dict[str, Any], expected: str
):
    error = await rejected(client.views_open(trigger_id="t", view=view))
    assert error.response["error"] == "invalid_arguments"
    assert expected in standin.invalid[0][1]


async def test_views_publish_takes_a_home_view(standin: SlackStandIn, client: AsyncWebClient):
    home = {"type": "home", "blocks": [section("welcome")]}
    published = await client.views_publish(user_id="U1", view=home)
    assert published["view"]["type"] == "home" and published["view"]["id"].startswith("V")
    await rejected(client.views_publish(user_id="U1", view=modal([section("x")])))
    assert standin.invalid[0][0] == "views.publish"


# ---------------------------------------------------------------------- users, conversations


async def test_users_info_defaults_to_london_and_uses_configured_users(
    standin: SlackStandIn, client: AsyncWebClient
):
    standin.users["U2"] = {"tz": "America/New_York", "real_name": "Ada",
                           "profile": {"display_name": "ada"}}
    unknown = (await client.users_info(user="U1"))["user"]
    assert unknown["id"] == "U1" and unknown["tz"] == "Europe/London"
    assert unknown["tz_offset"] in (0, 3600)
    assert {"name", "real_name"} <= set(unknown) and "display_name" in unknown["profile"]
    known = (await client.users_info(user="U2"))["user"]
    assert (known["tz"], known["real_name"], known["profile"]["display_name"]) == (
        "America/New_York", "Ada", "ada")
    assert known["tz_offset"] in (-5 * 3600, -4 * 3600)


async def test_conversations_open_and_info(client: AsyncWebClient):
    opened = await client.conversations_open(users="U7")
    assert opened["channel"]["id"] == "DU7"
    info = await client.conversations_info(channel="C5")
    assert info["channel"]["id"] == "C5"


async def test_unknown_methods_answer_ok(standin: SlackStandIn, client: AsyncWebClient):
    assert (await client.reactions_add(channel="C1", timestamp="1.1", name="eyes"))["ok"]
    assert standin.calls[0].method == "reactions.add"
    assert standin.calls[0].args["name"] == "eyes"


# ---------------------------------------------------------------------- injected failures


async def test_fail_next_with_a_server_error(standin: SlackStandIn, client: AsyncWebClient):
    standin.fail_next("chat.postMessage", status=500)
    error = await rejected(client.chat_postMessage(channel="C1", text="t"))
    assert error.response.status_code == 500
    assert len(standin.calls_to("chat.postMessage")) == 1
    assert (await client.chat_postMessage(channel="C1", text="t"))["ok"]  # only once


async def test_fail_next_with_an_error_and_times(standin: SlackStandIn, client: AsyncWebClient):
    standin.fail_next("users.info", error="user_not_found", times=2)
    for _ in range(2):
        error = await rejected(client.users_info(user="U1"))
        assert error.response.status_code == 200
        assert error.response["error"] == "user_not_found"
    assert (await client.users_info(user="U1"))["ok"]
    assert (await client.auth_test())["ok"]  # other methods are unaffected


async def test_fail_next_rate_limited_sets_retry_after(
    standin: SlackStandIn, client: AsyncWebClient
):
    standin.fail_next("chat.postMessage", retry_after=1)
    error = await rejected(client.chat_postMessage(channel="C1", text="t"))
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "1"
    assert error.response["error"] == "ratelimited"


# ---------------------------------------------------------------------- response URLs


async def test_response_url_accepts_five_posts_then_used_url(standin: SlackStandIn):
    url = standin.response_url()
    assert url != standin.response_url()
    body = {"text": "hi", "response_type": "ephemeral", "replace_original": False}
    for _ in range(5):
        assert await post_json(url, body) == (200, {"ok": True})
    status, answer = await post_json(url, body)
    assert status == 404 and answer["error"] == "used_url"
    assert [c.url for c in standin.calls_to("response_url")] == [url] * 6
    assert standin.calls[0].args == body
    assert standin.invalid == [("response_url", standin.invalid[0][1])]
    assert "5" in standin.invalid[0][1]


async def test_response_url_validates_the_message(standin: SlackStandIn):
    url = standin.response_url()
    status, answer = await post_json(url, {"text": "t", "blocks": [section("x" * 3001)]})
    assert status == 400 and answer["error"] == "invalid_blocks"
    status, answer = await post_json(url, {"response_type": "in_channel"})
    assert answer["error"] == "no_text"
    assert await post_json(url, {"delete_original": True}) == (200, {"ok": True})
    assert len(standin.invalid) == 2


async def test_response_url_through_slack_sdk_webhook_client(standin: SlackStandIn):
    url = standin.response_url()
    res = await AsyncWebhookClient(url).send(text="shared", blocks=[section("shared")],
                                             response_type="in_channel")
    assert res.status_code == 200
    assert standin.calls[0].args["blocks"] == [section("shared")]
    assert standin.calls[0].args["response_type"] == "in_channel"


async def test_unknown_response_url_is_404(standin: SlackStandIn):
    url = standin.response_url().rsplit("/", 1)[0] + "/999"
    status, _ = await post_json(url, {"text": "t"})
    assert status == 404


async def test_fail_next_on_response_url(standin: SlackStandIn):
    url = standin.response_url()
    standin.fail_next("response_url", status=503)
    async with aiohttp.ClientSession() as session, session.post(url, json={"text": "t"}) as res:
        assert res.status == 503
    assert (await post_json(url, {"text": "t"}))[0] == 200


async def test_unparseable_bodies_are_invalid_and_400(standin: SlackStandIn):
    url = standin.response_url()
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=b"{not json",
                                headers={"Content-Type": "application/json"}) as res:
            assert res.status == 400
        async with session.post(standin.api_url + "chat.postMessage", data=b"[1,",
                                headers={"Content-Type": "application/json",
                                         "Authorization": "Bearer xoxb-test"}) as res:
            assert res.status == 400
    assert [method for method, _ in standin.invalid] == ["response_url", "chat.postMessage"]
    assert len(standin.calls) == 2


# ---------------------------------------------------------------------- waiting


async def test_wait_for_returns_once_the_calls_arrive(
    standin: SlackStandIn, client: AsyncWebClient
):
    async def later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel="C1", text="one")
        await client.chat_postMessage(channel="C1", text="two")

    task = asyncio.create_task(later())
    calls = await standin.wait_for("chat.postMessage", count=2, timeout=2)
    assert [c.args["text"] for c in calls] == ["one", "two"]
    await task


async def test_wait_for_times_out_naming_the_method(standin: SlackStandIn, client: AsyncWebClient):
    await client.auth_test()
    with pytest.raises(AssertionError, match=r"views\.open.*auth\.test"):
        await standin.wait_for("views.open", timeout=0.1)


async def test_settle_waits_for_a_burst_to_end(standin: SlackStandIn, client: AsyncWebClient):
    async def burst() -> None:
        for i in range(3):
            await client.chat_postMessage(channel="C1", text=str(i))
            await asyncio.sleep(0.04)

    task = asyncio.create_task(burst())
    await asyncio.sleep(0.01)
    await standin.settle(quiet=0.1, timeout=2)
    assert len(standin.calls_to("chat.postMessage")) == 3
    await task


async def test_settle_times_out_under_constant_traffic(
    standin: SlackStandIn, client: AsyncWebClient
):
    async def chatter() -> None:
        for _ in range(20):
            await client.auth_test()
            await asyncio.sleep(0.02)

    task = asyncio.create_task(chatter())
    await asyncio.sleep(0.01)
    with pytest.raises(AssertionError):
        await standin.settle(quiet=0.15, timeout=0.2)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_clear_forgets_calls_and_invalid(standin: SlackStandIn, client: AsyncWebClient):
    await rejected(client.api_call("chat.postMessage", json={"channel": "C1"}))
    assert standin.calls and standin.invalid
    standin.clear()
    assert standin.calls == [] and standin.invalid == []


async def test_a_token_sent_as_an_argument_is_taken_out_of_args(standin: SlackStandIn):
    anonymous = AsyncWebClient(base_url=standin.api_url, retry_handlers=[])
    await anonymous.api_call("auth.test", data={"token": "xoxb-in-form"})
    assert standin.calls[0].token == "xoxb-in-form"
    assert "token" not in standin.calls[0].args


# ---------------------------------------------------------------------- late and cut answers


async def test_a_late_answer_comes_after_the_call_was_carried_out(standin):
    standin.delay_next("chat.postMessage", 0.3)
    client = AsyncWebClient(token="xoxb-test", base_url=standin.api_url, timeout=5)
    started = time.monotonic()
    posted = await client.chat_postMessage(channel="C1", text="late")
    assert time.monotonic() - started >= 0.3
    assert posted["ok"] and [c.args["text"] for c in standin.calls_to("chat.postMessage")] == [
        "late"]
    started = time.monotonic()
    await client.chat_postMessage(channel="C1", text="on time")  # only the next one was late
    assert time.monotonic() - started < 0.3


async def test_an_answer_after_the_clients_timeout_leaves_the_post_made_but_unconfirmed(standin):
    standin.delay_next("chat.postMessage", 1.0)
    client = AsyncWebClient(token="xoxb-test", base_url=standin.api_url, timeout=0.2)
    with pytest.raises(TimeoutError):
        await client.chat_postMessage(channel="C1", text="made, never confirmed")
    assert [c.response["ok"] for c in standin.calls_to("chat.postMessage")] == [True]
    await standin.settle(timeout=5)
    assert standin.invalid == []


async def test_a_cut_connection_follows_a_call_carried_out(standin):
    standin.cut_next("chat.postMessage")
    # No retry handlers: slack_sdk's default one would post again (and post twice).
    client = AsyncWebClient(token="xoxb-test", base_url=standin.api_url, timeout=5,
                            retry_handlers=[])
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.chat_postMessage(channel="C1", text="made, then cut")
    [made] = standin.calls_to("chat.postMessage")
    assert made.response["ok"] and standin.invalid == []
    assert (await client.chat_postMessage(channel="C1", text="next"))["ok"]


async def test_a_response_url_post_can_be_cut_too(standin):
    url = standin.response_url()
    standin.cut_next("response_url")
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await session.post(url, json={"text": "made, then cut"})
        async with session.post(url, json={"text": "again"}) as answer:
            assert answer.status == 200
    assert len(standin.calls_to("response_url")) == 2
