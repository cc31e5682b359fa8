"""A workspace the Slack stand-in plays: its team (or Enterprise Grid org), bot user and people,
and the answers of the Web API methods the bot calls (auth.test, chat.*, views.*, users.info,
conversations.*), shaped as Slack's."""

from __future__ import annotations

import copy
import itertools
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.localslack.standin.validation import reject_message, reject_view_call
from bot.localslack.standin.wire import Reply

DEFAULT_TZ = "Europe/London"
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})


class Workspace:
    """One team with a bot user; `users` overrides fields of the users.info answers. With
    `org` it is an Enterprise Grid org as a whole (its team id is the enterprise id), which an
    org-wide install is made to."""

    def __init__(self, team_id: str, bot_user_id: str, bot_id: str, *,
                 enterprise_id: str | None = None, org: bool = False,
                 name: str = "Stand-in Workspace") -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.enterprise_id = enterprise_id
        self.org = org
        self.team_name = name
        self.team_url = f"https://{team_id.lower()}.standin.slack.com/"
        self.users: dict[str, dict[str, Any]] = {}
        # Uploaded files by id: name, title, bytes, and the channel they were shared in.
        self.files: dict[str, dict[str, Any]] = {}
        self.upload_base = ""
        self._ts_counter = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._file_ids = itertools.count(1)

    def dispatch(self, method: str, args: dict[str, Any]) -> Reply:
        if method in MESSAGE_METHODS:
            rejection = reject_message(method, args)
            if rejection is not None:
                return rejection
        if method in VIEW_METHODS:
            rejection = reject_view_call(method, args)
            if rejection is not None:
                return rejection
        handler = {
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_show,
            "views.push": self._views_show,
            "views.update": self._views_show,
            "views.publish": self._views_show,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "files.getUploadURLExternal": self._files_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }.get(method)
        if handler is None:
            return Reply(body={"ok": True})
        return handler(args)

    def _auth_test(self, args: dict[str, Any]) -> Reply:
        return Reply(body={
            "ok": True,
            "url": self.team_url,
            "team": self.team_name,
            "user": "principlebot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "enterprise_id": self.enterprise_id,
            "is_enterprise_install": self.org,
        })

    def _apps_connections_open(self, args: dict[str, Any]) -> Reply:
        # Socket Mode's WebSocket is not played: nothing listens at this address.
        return Reply(body={"ok": True, "url": f"wss://{self.team_id.lower()}.standin.invalid/link"})

    def _chat_post_message(self, args: dict[str, Any]) -> Reply:
        channel = _dm_channel(str(args["channel"]))
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "text": args.get("text", ""),
            "ts": ts,
        }
        if "blocks" in args:
            message["blocks"] = args["blocks"]
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        return Reply(body={"ok": True, "channel": channel, "ts": ts, "message": message})

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> Reply:
        return Reply(body={"ok": True, "message_ts": self._next_ts()})

    def _chat_update(self, args: dict[str, Any]) -> Reply:
        text = args.get("text", "")
        return Reply(body={"ok": True, "channel": args["channel"], "ts": args["ts"], "text": text})

    def _chat_delete(self, args: dict[str, Any]) -> Reply:
        if not args.get("channel"):
            return Reply.reject("channel_not_found", "chat.delete needs `channel`")
        if not args.get("ts"):
            return Reply.reject("message_not_found", "chat.delete needs `ts`")
        return Reply(body={"ok": True, "channel": args["channel"], "ts": args["ts"]})

    def _chat_get_permalink(self, args: dict[str, Any]) -> Reply:
        channel, ts = args.get("channel"), args.get("message_ts")
        if not channel:
            return Reply.reject("channel_not_found", "chat.getPermalink needs `channel`")
        if not ts:
            return Reply.reject("message_not_found", "chat.getPermalink needs `message_ts`")
        permalink = f"{self.team_url}archives/{channel}/p{str(ts).replace('.', '')}"
        return Reply(body={"ok": True, "channel": channel, "permalink": permalink})

    def _views_show(self, args: dict[str, Any]) -> Reply:
        view = copy.deepcopy(args["view"])
        n = next(self._view_ids)
        view_id = str(args.get("view_id") or f"V{n:08d}")
        view.setdefault("callback_id", "")
        view.setdefault("private_metadata", "")
        view.setdefault("external_id", str(args.get("external_id") or ""))
        view.update({
            "id": view_id,
            "team_id": self.team_id,
            "bot_id": self.bot_id,
            "app_id": "ASTANDIN",
            "root_view_id": view_id,
            "previous_view_id": None,
            "state": {"values": {}},
            "hash": f"1700000000.{n:08d}",
        })
        return Reply(body={"ok": True, "view": view})

    def _users_info(self, args: dict[str, Any]) -> Reply:
        user_id = args.get("user")
        if not user_id:
            return Reply.reject("user_not_found", "users.info needs `user`")
        return Reply(body={"ok": True, "user": self._user(str(user_id))})

    def _conversations_open(self, args: dict[str, Any]) -> Reply:
        if args.get("channel"):
            channel_id = str(args["channel"])
        else:
            users = [u for u in str(args.get("users", "")).split(",") if u]
            if not users:
                return Reply.reject("users_list_not_supplied", "conversations.open needs `users`")
            channel_id = "D" + users[0] if len(users) == 1 else "G" + "".join(users)
        return Reply(body={"ok": True, "channel": _channel_object(channel_id)})

    def _conversations_info(self, args: dict[str, Any]) -> Reply:
        channel_id = args.get("channel")
        if not channel_id:
            return Reply.reject("channel_not_found", "conversations.info needs `channel`")
        return Reply(body={"ok": True, "channel": _channel_object(str(channel_id))})

    def _files_upload_url(self, args: dict[str, Any]) -> Reply:
        if not args.get("filename") or not str(args.get("length", "")).isdecimal():
            return Reply.reject("invalid_arguments",
                                "files.getUploadURLExternal needs `filename` and `length`")
        file_id = f"F{next(self._file_ids):08d}"
        self.files[file_id] = {"name": str(args["filename"]), "length": int(args["length"]),
                               "content": None, "title": "", "channel": None}
        return Reply(body={"ok": True, "file_id": file_id,
                           "upload_url": f"{self.upload_base}{file_id}"})

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        """The bytes posted to a file's upload URL; False for an unknown file."""
        if file_id not in self.files:
            return False
        self.files[file_id]["content"] = content
        return True

    def _files_complete_upload(self, args: dict[str, Any]) -> Reply:
        try:
            listed = json.loads(str(args.get("files") or "[]"))
        except ValueError:
            return Reply.reject("invalid_arguments", "`files` is not JSON")
        shared = []
        for item in listed:
            found = self.files.get(str(item.get("id")))
            if found is None or found["content"] is None:
                return Reply.reject("file_not_found", f"file {item.get('id')} was not uploaded")
            found["title"] = item.get("title") or found["name"]
            found["channel"] = args.get("channel_id")
            shared.append({"id": item["id"], "name": found["name"], "title": found["title"]})
        if not shared:
            return Reply.reject("invalid_arguments", "files.completeUploadExternal needs `files`")
        return Reply(body={"ok": True, "files": shared})

    def _user(self, user_id: str) -> dict[str, Any]:
        """The users.info object: the configured fields over a default user."""
        is_bot = user_id == self.bot_user_id
        name = "principlebot" if is_bot else user_id.lower()
        real_name = "principlebot" if is_bot else f"User {user_id}"
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real_name,
            "deleted": False,
            "is_bot": is_bot,
            "tz": DEFAULT_TZ,
            "profile": {"display_name": name, "real_name": real_name},
        }
        configured = copy.deepcopy(self.users.get(user_id, {}))
        profile = {**user["profile"], **configured.pop("profile", {})}
        user.update(configured)
        user["profile"] = profile
        if "tz_offset" not in configured:
            user["tz_offset"] = _utc_offset_seconds(str(user["tz"]))
        return user

    def _next_ts(self) -> str:
        n = next(self._ts_counter) * 100
        return f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"


def _dm_channel(channel: str) -> str:
    """Posting to a user id posts into the app's DM with that user, as Slack does."""
    return "D" + channel if channel[:1] in ("U", "W") else channel


def _channel_object(channel_id: str) -> dict[str, Any]:
    is_im = channel_id.startswith("D")
    return {
        "id": channel_id,
        "name": "" if is_im else channel_id.lower(),
        "is_channel": channel_id.startswith("C"),
        "is_group": channel_id.startswith("G"),
        "is_im": is_im,
        "is_private": not channel_id.startswith("C"),
        "is_member": True,
        "user": channel_id[1:] if is_im else None,
    }


def _utc_offset_seconds(tz: str) -> int:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except (KeyError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset is not None else 0
