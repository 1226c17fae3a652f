"""altair chart builders: pure functions, data in, chart out (one module per topic)."""
