"""Real loopback servers used by the tests (device-flow OAuth, …)."""
