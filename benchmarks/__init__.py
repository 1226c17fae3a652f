"""Speed measurements against reference implementations written in each benchmark."""
