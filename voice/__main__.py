"""`python -m voice` is the `voice` command."""

from voice.cli import main

main()
