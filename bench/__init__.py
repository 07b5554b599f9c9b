"""Benchmarks of DESIGN §12; each module runs with `python -m bench.<name>`."""
