"""Retro actions: logging, tagging by principle, closing, deleting, coverage, a person's data."""
