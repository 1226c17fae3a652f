"""``python -m tailkit.cli``: the same as the ``tailkit`` command."""

from tailkit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
