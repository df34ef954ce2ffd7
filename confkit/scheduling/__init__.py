"""Scheduling algorithms that know nothing of the database."""
