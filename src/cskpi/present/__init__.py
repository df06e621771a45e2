"""Presenting a scorecard: terminal, JSON/CSV/Markdown, Excel; masking of personal data."""
