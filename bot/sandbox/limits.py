"""Discord's limits on what a bot sends, checked with Discord's own error codes and bodies.

Only the rules our bot can break are modelled; each answer is the ``50035 Invalid Form Body``
(or the specific code) Discord gives, with the nested ``errors`` tree discord.py prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.sandbox.errors import ApiError

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_FIELD_LIMITS = {"title": 256, "description": 4096}
EMBED_FIELDS_MAX = 25
ATTACHMENTS_MAX = 10
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
SELECT_OPTIONS_MAX = 25
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
OPTION_TEXT_MAX = 100
PLACEHOLDER_MAX = 150
NONCE_MAX = 25
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
CHOICES_MAX = 25
BUTTON, SELECT_TYPES, TEXT_INPUT = 2, {3, 5, 6, 7, 8}, 4


class FormErrors:
    """Collects errors under their paths and raises them as one ``Invalid Form Body``."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: Sequence[str | int], value: Any, limit: int) -> None:
        if value is not None and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def length_between(self, path: Sequence[str | int], value: Any, low: int, high: int) -> None:
        if value is None or not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise ApiError(400, 50035, "Invalid Form Body", self.tree)


def check_message(payload: dict[str, Any], *, attachments: int, editing: bool = False) -> None:
    """A message create or edit; ``attachments`` counts the files it will carry."""
    errors = FormErrors()
    content = payload.get("content")
    errors.too_long(["content"], content, CONTENT_MAX)
    nonce = payload.get("nonce")
    if isinstance(nonce, str):
        errors.too_long(["nonce"], nonce, NONCE_MAX)
    embeds = payload.get("embeds") or []
    errors.too_long(["embeds"], embeds, EMBEDS_MAX)
    check_embeds(errors, embeds)
    if attachments > ATTACHMENTS_MAX:
        errors.too_long(["attachments"], range(attachments), ATTACHMENTS_MAX)
    check_components(errors, payload.get("components") or [])
    errors.raise_if_any()
    has_body = content or embeds or attachments or payload.get("components")
    if not editing and not has_body and not payload.get("sticker_ids") and not payload.get("poll"):
        raise ApiError(400, 50006, "Cannot send an empty message")


def check_embeds(errors: FormErrors, embeds: list[dict[str, Any]]) -> None:
    total = 0
    for index, embed in enumerate(embeds):
        for key, limit in EMBED_FIELD_LIMITS.items():
            errors.too_long(["embeds", index, key], embed.get(key), limit)
            total += len(embed.get(key) or "")
        fields = embed.get("fields") or []
        errors.too_long(["embeds", index, "fields"], fields, EMBED_FIELDS_MAX)
        for number, item in enumerate(fields):
            errors.too_long(["embeds", index, "fields", number, "name"], item.get("name"), 256)
            errors.too_long(["embeds", index, "fields", number, "value"], item.get("value"), 1024)
            total += len(item.get("name") or "") + len(item.get("value") or "")
        footer = (embed.get("footer") or {}).get("text")
        errors.too_long(["embeds", index, "footer", "text"], footer, 2048)
        author = (embed.get("author") or {}).get("name")
        errors.too_long(["embeds", index, "author", "name"], author, 256)
        total += len(footer or "") + len(author or "")
    if total > EMBED_TOTAL_MAX:
        errors.add(
            ["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
        )


def check_components(errors: FormErrors, rows: list[dict[str, Any]]) -> None:
    """Action rows of buttons and selects; Components V2 layouts are passed through."""
    errors.too_long(["components"], rows, ACTION_ROWS_MAX)
    seen: set[str] = set()
    for r, row in enumerate(rows):
        if row.get("type") != 1:
            continue
        children = row.get("components") or []
        path: list[str | int] = ["components", r, "components"]
        if any(c.get("type") in SELECT_TYPES for c in children) and len(children) > 1:
            errors.add(
                path,
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        else:
            errors.length_between(path, children, 1, ROW_BUTTONS_MAX)
        for c, component in enumerate(children):
            check_component(errors, [*path, c], component, seen)


def check_component(
    errors: FormErrors, path: list[str | int], component: dict[str, Any], seen: set[str]
) -> None:
    custom_id = component.get("custom_id")
    if custom_id is not None:
        errors.length_between([*path, "custom_id"], custom_id, 1, CUSTOM_ID_MAX)
        if custom_id in seen:
            errors.add(
                [*path, "custom_id"],
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)
    kind = component.get("type")
    if kind == BUTTON:
        errors.too_long([*path, "label"], component.get("label"), BUTTON_LABEL_MAX)
        if component.get("style") == 5:
            if not component.get("url"):
                errors.add([*path, "url"], "BASE_TYPE_REQUIRED", "This field is required")
        elif custom_id is None and component.get("style") != 6:
            errors.add([*path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
    elif kind in SELECT_TYPES:
        errors.too_long([*path, "placeholder"], component.get("placeholder"), PLACEHOLDER_MAX)
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not 0 <= low <= SELECT_OPTIONS_MAX:
            errors.add(
                [*path, "min_values"],
                "NUMBER_TYPE_MAX",
                f"int value should be less than or equal to {SELECT_OPTIONS_MAX}.",
            )
        if not 1 <= high <= SELECT_OPTIONS_MAX:
            errors.add(
                [*path, "max_values"],
                "NUMBER_TYPE_MAX",
                f"int value should be less than or equal to {SELECT_OPTIONS_MAX}.",
            )
        if kind == 3:
            options = component.get("options") or []
            errors.length_between([*path, "options"], options, 1, SELECT_OPTIONS_MAX)
            if high > len(options) and options:
                errors.add(
                    [*path, "max_values"],
                    "SELECT_COMPONENT_MAX_VALUES_EXCEEDED",
                    f"Max values exceeds the number of options ({len(options)})",
                )
            for o, option in enumerate(options):
                for key in ("label", "value"):
                    errors.length_between(
                        [*path, "options", o, key], option.get(key), 1, OPTION_TEXT_MAX
                    )
                errors.too_long(
                    [*path, "options", o, "description"], option.get("description"), OPTION_TEXT_MAX
                )
            values = [o.get("value") for o in options]
            if len(set(values)) != len(values):
                errors.add(
                    [*path, "options"],
                    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                    "Select component option values must be unique",
                )


def check_modal(data: dict[str, Any]) -> None:
    errors = FormErrors()
    errors.length_between(["data", "title"], data.get("title"), 1, MODAL_TITLE_MAX)
    errors.length_between(["data", "custom_id"], data.get("custom_id"), 1, CUSTOM_ID_MAX)
    rows = data.get("components") or []
    errors.length_between(["data", "components"], rows, 1, MODAL_COMPONENTS_MAX)
    for r, row in enumerate(rows):
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        for c, component in enumerate(inner):
            path: list[str | int] = ["data", "components", r, "components", c]
            errors.length_between(
                [*path, "custom_id"], component.get("custom_id"), 1, CUSTOM_ID_MAX
            )
            if component.get("type") == TEXT_INPUT:
                label = component.get("label", row.get("label"))
                if label is not None:
                    errors.too_long([*path, "label"], label, TEXT_INPUT_LABEL_MAX)
                errors.too_long([*path, "value"], component.get("value"), TEXT_INPUT_VALUE_MAX)
                errors.too_long(
                    [*path, "placeholder"], component.get("placeholder"), OPTION_TEXT_MAX
                )
    errors.raise_if_any()


def check_choices(data: dict[str, Any]) -> None:
    errors = FormErrors()
    choices = data.get("choices") or []
    errors.too_long(["data", "choices"], choices, CHOICES_MAX)
    for i, choice in enumerate(choices):
        errors.length_between(
            ["data", "choices", i, "name"], choice.get("name"), 1, OPTION_TEXT_MAX
        )
        if isinstance(choice.get("value"), str):
            errors.too_long(["data", "choices", i, "value"], choice["value"], OPTION_TEXT_MAX)
    errors.raise_if_any()
