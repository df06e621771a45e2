"""Database pushdown: standards compiled to SQL and run where the data lives (README "Pushdown")."""
