"""Auto-pick: the card a timed-out player or a bot drafter takes, and a reason a person can read.

A card's worth comes from the set's :class:`~bot.draft.cards.Ratings` (by the drafter's colour
pair once committed, where the data has pairs; overall before), else from a rarity and colour
heuristic. Once the pool holds ``commit_after`` cards its two strongest colours weigh in: cards
inside them gain, cards outside lose, more so as the pool grows. Equal scores are broken by the
rng the caller passes (the pod derives one per seat and pick), never by pack position, so bots do
not all favour the first slot of a sheet.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.draft.cards import COLOURS, Card, Colour, Ratings

_RARITY_WORTH: Mapping[str, float] = {
    "mythic": 0.62,
    "rare": 0.58,
    "special": 0.48,
    "uncommon": 0.45,
    "common": 0.35,
}
# How far colour fit moves a score at full commitment, on the ratings' 0..1 scale: enough to
# prefer a good on-colour card to a slightly better off-colour one, not enough to pass a bomb.
_FIT_BONUS = 0.12
_RAMP_PICKS = 4
_TIE = 1e-9


@dataclass(frozen=True, slots=True)
class AutoPick:
    """The chosen position in the pack, the reason shown to the player, and the winning score."""

    index: int
    reason: str
    score: float


def heuristic_worth(card: Card) -> float:
    """A card's worth without ratings: rarity first, a little for creatures, less for gold cards."""
    if card.is_basic_land:
        return 0.0
    worth = _RARITY_WORTH.get(card.rarity, 0.35)
    if card.is_land:
        return worth - 0.05
    if card.is_creature:
        worth += 0.03
    worth -= 0.04 * max(0, len(card.colours) - 1)
    return worth


def card_colours(card: Card) -> tuple[Colour, ...]:
    """The colours a card asks of a deck: its colours, or a land's colour identity."""
    if card.colours:
        return card.colours
    return card.colour_identity if card.is_land and not card.is_basic_land else ()


def pool_colours(
    pool: Sequence[Card], worth: Callable[[Card], float] | None = None
) -> tuple[Colour, ...]:
    """The pool's two strongest colours in WUBRG order (one if it has only one, none if none).

    Each card adds its ``worth`` (0.5 without one), shared among its colours.
    """
    weights = dict.fromkeys(COLOURS, 0.0)
    for card in pool:
        for colour, share in colour_shares(card, worth(card) if worth else 0.5):
            weights[colour] += share
    return strongest_two(weights)


def colour_shares(card: Card, worth: float) -> tuple[tuple[Colour, float], ...]:
    """What a card adds to each of its colours when it sits in a pool."""
    return tuple((colour, worth / len(card.colours)) for colour in card.colours)


def strongest_two(weights: Mapping[Colour, float]) -> tuple[Colour, ...]:
    ranked = sorted((c for c in COLOURS if weights[c] > 0), key=lambda c: -weights[c])[:2]
    return tuple(c for c in COLOURS if c in ranked)


class AutoPicker:
    """Scores packs for one set's ratings; keeps per-card worth so a pod's many picks stay cheap."""

    def __init__(self, ratings: Ratings, commit_after: int) -> None:
        if commit_after < 0:
            raise ValueError(f"commit_after must be 0 or more, not {commit_after}")
        self.ratings = ratings
        self.commit_after = commit_after
        self._worth: dict[str, float] = {}
        self._rated: dict[str, bool] = {}
        self._needs: dict[str, frozenset[Colour]] = {}
        self._shares: dict[str, tuple[tuple[Colour, float], ...]] = {}
        self._by_pair: dict[frozenset[str], Mapping[str, float]] = {
            frozenset(key): table for key, table in ratings.by_colours.items() if len(key) == 2
        }

    def worth(self, card: Card) -> float:
        """The card's overall worth on a 0..1 scale: its rating, else the heuristic."""
        name = card.name
        cached = self._worth.get(name)
        if cached is not None:
            return cached
        overall = self.ratings.overall
        rating = overall.get(name)
        if rating is None and " // " in name:
            rating = overall.get(card.front_name)
        self._rated[name] = rating is not None
        value = rating if rating is not None else heuristic_worth(card)
        self._worth[name] = value
        return value

    def colours(self, pool: Sequence[Card]) -> tuple[Colour, ...]:
        """The pool's two strongest colours, each card weighted by its worth."""
        weights = dict.fromkeys(COLOURS, 0.0)
        cache = self._shares
        for card in pool:
            shares = cache.get(card.name)
            if shares is None:
                shares = cache[card.name] = colour_shares(card, self.worth(card))
            for colour, share in shares:
                weights[colour] += share
        return strongest_two(weights)

    def choose(self, pack: Sequence[Card], pool: Sequence[Card], rng: random.Random) -> AutoPick:
        """The pick for ``pack`` given the drafter's ``pool`` so far; ties go to ``rng``."""
        if not pack:
            raise ValueError("cannot choose from an empty pack")
        colours = self.colours(pool) if len(pool) >= self.commit_after else ()
        pair_table = self._by_pair.get(frozenset(colours)) if len(colours) == 2 else None
        strength = min(1.0, (len(pool) - self.commit_after + 1) / _RAMP_PICKS) if colours else 0.0
        wanted = set(colours)
        scores: list[float] = []
        for card in pack:
            score = self.worth(card)
            if pair_table is not None:
                paired = pair_table.get(card.name)
                if paired is not None:
                    score = paired
            if strength:
                needs = self._needs.get(card.name)
                if needs is None:
                    needs = self._needs[card.name] = frozenset(card_colours(card))
                if not needs or wanted.issuperset(needs):
                    score += _FIT_BONUS * strength
                elif wanted.isdisjoint(needs):
                    score -= _FIT_BONUS * strength
                else:
                    score -= _FIT_BONUS * strength / 2
            scores.append(score)
        best = max(scores)
        tied = [i for i, score in enumerate(scores) if score >= best - _TIE]
        index = tied[0] if len(tied) == 1 else rng.choice(tied)
        return AutoPick(index, self._reason(pack[index], colours), best)

    def _reason(self, card: Card, colours: tuple[Colour, ...]) -> str:
        if colours:
            shown = "/".join(colours)
            needs = card_colours(card)
            if not needs or set(colours).issuperset(needs):
                return f"best in your colours {shown}"
            return f"strongest card, off your colours {shown}"
        if self._rated.get(card.name):
            return "highest rated"
        return "best by rarity and colour"
