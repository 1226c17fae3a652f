"""``python -m tailkit.synthetic``: rewrite (or ``--check``) the bundled SYNTHETIC overlay files."""

from tailkit.synthetic.files import main

if __name__ == "__main__":
    raise SystemExit(main())
