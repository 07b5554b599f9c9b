"""Local tooling: `make dev`, and the AWS seeding that tests and benchmarks share."""
