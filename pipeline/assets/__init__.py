"""Dagster glue: assets, checks, schedules and sensors over the plain-Python pipeline modules."""
