"""A run and what surrounds it: history, run log, project setup."""
