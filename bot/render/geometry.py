"""Where things are on a card face, shared by the face drawer and the pack layout.

Faces are 300 x 419 pixels, the 63 x 88 mm proportions of a printed card. The number badge of the
pack image sits at the top left of the art, where a real card image has only illustration, so
it never hides a card's name, cost or text; drawn faces keep an art band at the same place.
"""

from __future__ import annotations

Box = tuple[int, int, int, int]

FACE_WIDTH = 300
FACE_HEIGHT = 419
FACE_SIZE = (FACE_WIDTH, FACE_HEIGHT)

BORDER = 9
FRAME: Box = (BORDER, BORDER, FACE_WIDTH - BORDER, FACE_HEIGHT - BORDER)
NAME_BAR: Box = (15, 15, 285, 49)
ART: Box = (19, 54, 281, 126)
TYPE_BAR: Box = (15, 131, 285, 159)
TEXT_BOX: Box = (19, 164, 281, 386)
PT_BOX: Box = (206, 374, 285, 402)
FOOTER_BASELINE = 403

# A split card: the top half keeps the name bar and art band, then both halves stack.
SPLIT_MIDDLE = 238
SPLIT_TOP_TYPE_BAR: Box = (15, 131, 285, 155)
SPLIT_TOP_TEXT_BOX: Box = (19, 159, 281, 232)
SPLIT_BOTTOM_NAME_BAR: Box = (15, 244, 285, 278)
SPLIT_BOTTOM_TYPE_BAR: Box = (15, 282, 285, 306)
SPLIT_BOTTOM_TEXT_BOX: Box = (19, 310, 281, 390)

BADGE_DIAMETER = 64
BADGE_CENTRE = (56, 90)
