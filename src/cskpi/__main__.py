"""``python -m cskpi``."""

from cskpi.entry import main

main()
