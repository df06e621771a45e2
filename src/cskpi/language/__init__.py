"""The rulebook's filter language: tokens, parser, type checker. Imports nothing else of cskpi."""
