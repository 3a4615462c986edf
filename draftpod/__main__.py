import sys

from draftpod.cli import main

sys.exit(main())
