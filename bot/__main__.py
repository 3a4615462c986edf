"""``python -m bot``: the bot process (the same as ``draftpod bot``)."""

import sys

from draftpod.cli import main

sys.exit(main(["bot", *sys.argv[1:]]))
