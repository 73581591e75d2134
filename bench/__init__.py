"""Benchmarks that print their figures; `python -m bench.run` runs them all."""
