"""Rulebooks: safe YAML with line numbers, pydantic models, validation and the compile step."""
