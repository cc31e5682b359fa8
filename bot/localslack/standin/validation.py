"""What Slack would refuse: message and view payloads checked with slack_sdk's Block Kit
models and Slack's own limits (block counts, text length, required fields)."""

from __future__ import annotations

import copy
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.localslack.standin.wire import Reply

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
MESSAGE_TEXT_MAX_LENGTH = 40_000
VIEW_TEXT_FIELDS = ("title", "submit", "close")


def reject_message(method: str, args: dict[str, Any]) -> Reply | None:
    """A chat.* call Slack would refuse, answered with Slack's error; None when it is fine."""
    errors = message_error_codes(args)
    if not args.get("channel"):
        errors.insert(0, ("channel_not_found", f"{method} needs `channel`"))
    if method == "chat.postEphemeral" and not args.get("user"):
        errors.insert(0, ("invalid_arguments", "chat.postEphemeral needs `user`"))
    if method == "chat.update" and not args.get("ts"):
        errors.insert(0, ("message_not_found", "chat.update needs `ts`"))
    if not errors:
        return None
    return Reply.reject(errors[0][0], "; ".join(reason for _, reason in errors))


def message_errors(payload: dict[str, Any]) -> list[str]:
    """Why Slack would reject `payload` (text, blocks, attachments) as a message; [] if valid.

    The check the stand-in applies to chat.* calls and response URL posts, for messages that never
    reach it, such as a slash command's answer returned in the ack."""
    return [reason for _, reason in message_error_codes(payload)]


def message_error_codes(args: dict[str, Any]) -> list[tuple[str, str]]:
    """(Slack error, reason) for a message payload: content present, text length, blocks."""
    errors: list[tuple[str, str]] = []
    text = args.get("text")
    if text is not None and not isinstance(text, str):
        errors.append(("invalid_arguments", "`text` must be a string"))
    elif isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX_LENGTH:
        errors.append(("msg_too_long", f"`text` is over {MESSAGE_TEXT_MAX_LENGTH} characters"))
    has_content = bool(text) or bool(args.get("blocks")) or bool(args.get("attachments"))
    if not has_content:
        errors.append(("no_text", "a message needs `text` or `blocks`"))
    if "blocks" in args:
        errors.extend(("invalid_blocks", reason)
                      for reason in _blocks_errors(args["blocks"], MESSAGE_MAX_BLOCKS))
    return errors


def reject_view_call(method: str, args: dict[str, Any]) -> Reply | None:
    errors: list[str] = []
    if method in ("views.open", "views.push") and not (
        args.get("trigger_id") or args.get("interactivity_pointer")
    ):
        errors.append(f"{method} needs `trigger_id`")
    if method == "views.update" and not (args.get("view_id") or args.get("external_id")):
        errors.append("views.update needs `view_id` or `external_id`")
    if method == "views.publish" and not args.get("user_id"):
        errors.append("views.publish needs `user_id`")
    view = args.get("view")
    if not isinstance(view, dict):
        errors.append(f"{method} needs `view`, a JSON object")
    else:
        if method == "views.publish" and view.get("type") != "home":
            errors.append("views.publish takes a view of type home")
        errors.extend(_view_errors(view))
    if not errors:
        return None
    return Reply.reject("invalid_arguments", "; ".join(errors))


def _view_errors(view: dict[str, Any]) -> list[str]:
    """Reasons Slack would reject a view: slack_sdk's View validators and Slack's own rules."""
    errors = [f"view.{key}: unknown property" for key in view if key not in View.attributes]
    blocks = view.get("blocks")
    if blocks is None:
        errors.append("view.blocks is required")
    else:
        errors.extend(f"view.{reason}" for reason in _blocks_errors(blocks, VIEW_MAX_BLOCKS))
    if view.get("type") == "modal":
        if not view.get("title"):
            errors.append("view.title is required in a modal")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and not view.get("submit"):
            errors.append("view.submit is required in a modal with input blocks")
    for key in VIEW_TEXT_FIELDS:
        value = view.get(key)
        if value is None:
            continue
        if not isinstance(value, dict) or value.get("type") != "plain_text":
            errors.append(f"view.{key} must be a plain_text object")
        elif not isinstance(value.get("text"), str) or not value["text"]:
            errors.append(f"view.{key}.text must be a non-empty string")
    if errors:
        return errors
    try:
        View(**copy.deepcopy(view)).validate_json()
    except Exception as exc:
        errors.append(f"view: {exc}")
    return errors


def _blocks_errors(blocks: Any, max_blocks: int) -> list[str]:
    """Reasons Slack would reject a list of blocks; empty when it is valid."""
    if not isinstance(blocks, list):
        return ["blocks must be a JSON array"]
    errors = []
    if len(blocks) > max_blocks:
        errors.append(f"blocks: {len(blocks)} blocks, at most {max_blocks} are allowed")
    block_ids: set[str] = set()
    for i, given in enumerate(blocks):
        where = f"blocks[{i}]"
        if not isinstance(given, dict):
            errors.append(f"{where}: must be a JSON object")
            continue
        where = f"{where} ({given.get('type', 'no type')})"
        block_id = given.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                errors.append(f"{where}: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        errors.extend(f"{where}: {reason}" for reason in _block_errors(given))
    return errors


def _block_errors(given: dict[str, Any]) -> list[str]:
    """One block through slack_sdk's models: parse, run every validator (to_dict recurses)."""
    try:
        block = Block.parse(copy.deepcopy(given))
        if block is None:
            return [f"unknown block type {given.get('type')!r}"]
        block.validate_json()
        produced = block.to_dict()
    except Exception as exc:  # SlackObjectFormationError, or TypeError/KeyError from a bad shape
        return [f"{exc}" or type(exc).__name__]
    return _dropped_properties(given, produced, "")


def _dropped_properties(given: Any, produced: Any, path: str) -> list[str]:
    """What slack_sdk's models dropped or reshaped: properties Slack itself does not accept."""
    if isinstance(given, dict) and isinstance(produced, dict):
        errors = []
        for key, value in given.items():
            if value is None:
                continue
            if key not in produced:
                errors.append(f"{path}{key}: unknown or misplaced property")
            else:
                errors.extend(_dropped_properties(value, produced[key], f"{path}{key}."))
        return errors
    if isinstance(given, list) and isinstance(produced, list) and len(given) == len(produced):
        errors = []
        for i, (g, p) in enumerate(zip(given, produced, strict=True)):
            errors.extend(_dropped_properties(g, p, f"{path.rstrip('.')}[{i}]."))
        return errors
    if isinstance(given, str) and isinstance(produced, dict):
        return [f"{path.rstrip('.')}: must be an object, not a string"]
    return []
