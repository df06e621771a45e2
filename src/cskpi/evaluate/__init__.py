"""The pure core: periods, working days, metrics, the engine, the scorecard, the appraisal.

Knows no files and no terminals."""
