"""Hedge programs (puts, put spreads, collars, VIX calls): cost, protection and effectiveness."""
