"""Benchmarks at force, national and stress scale, each figure against a baseline measured
in the same run: `python -m benchmarks.run --help` (see docs/benchmarks.md)."""
