"""Differential tests: dynastream_mock against Amazon DynamoDB Local."""
