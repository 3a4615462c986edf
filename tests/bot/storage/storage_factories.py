"""Small builders of storage values shared by the storage tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage import NewPod, PickRecord, PickSource, PodSettings, SeatSpec

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def new_pod(
    creator_id: int = 100, *, seats: int = 8, set_code: str = "NEO", **kw: object
) -> NewPod:
    settings = PodSettings(seats=seats, min_seats=min(2, seats))
    values: dict[str, object] = {
        "guild_id": 1,
        "channel_id": 10,
        "creator_id": creator_id,
        "set_code": set_code,
        "seed": 12345,
        "settings": settings,
        "created_at": NOW,
    }
    values.update(kw)
    return NewPod(**values)  # type: ignore[arg-type]


def player(user_id: int) -> SeatSpec:
    return SeatSpec(user_id, f"player {user_id}")


def bot(n: int) -> SeatSpec:
    return SeatSpec(None, f"Bot {n}")


def pick(
    pod_id: int,
    seat_no: int = 0,
    pick_no: int = 1,
    card_index: int = 0,
    *,
    source: PickSource = "player",
    pack_size: int = 15,
) -> PickRecord:
    return PickRecord(
        pod_id=pod_id,
        seat_no=seat_no,
        pick_no=pick_no,
        pack_no=(pick_no - 1) // pack_size + 1,
        pick_in_pack=(pick_no - 1) % pack_size + 1,
        card_index=card_index,
        card_id=f"card-{card_index}",
        card_name=f"Card {card_index}",
        source=source,
        picked_at=NOW + timedelta(seconds=pick_no),
    )
