"""``python -m cskpi``."""

from cskpi.cli import main

main()
