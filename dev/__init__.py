"""Local tooling: `make dev` and `make keys`, moto and the echo provider as processes, and the
AWS seeding that tests and benchmarks share."""
