"""Structured logs and Prometheus metrics, the same in every process."""
