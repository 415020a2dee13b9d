"""Turns run result JSON into a self-contained HTML report. Never imports a model."""
