"""Sub-commands of the ``draftpod`` console script, one module each (see :mod:`draftpod.cli`)."""
