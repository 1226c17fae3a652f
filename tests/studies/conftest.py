"""Fixtures the study tests share with the domain tests they grew out of."""

from risk.conftest import stock_returns  # tests/risk/conftest.py (tests/ is on sys.path)

__all__ = ["stock_returns"]
