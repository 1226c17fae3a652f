"""The marking kernel against the benchmark's independent numpy + scipy ``ndtr`` reference.

The reference (``benchmarks/hedging.py``) reprices every leg of every program every day with
``scipy.special.ndtr``, one program at a time, and solves zero-cost collar calls by an 80-step
bisection; the kernel values each distinct option once per path and day with the pricing
package's Black pass and solves collar calls by Newton's method. Same paths, same programs
(the benchmark's 50: puts, spreads, ratio spreads, fixed and zero-cost collars, VIX calls,
notional and budget sized): final NAVs and premiums agree to 1e-10.
"""

from __future__ import annotations

import numpy as np

from benchmarks.hedging import programs, reference
from tailkit.hedging import mark_programs, simulate_market


def test_kernel_matches_the_numpy_ndtr_reference_on_the_benchmark_programs():
    market = simulate_market("gjr_garch", n_paths=40, n_steps=130, seed=11)
    progs = programs()
    out = mark_programs(market, progs)
    ref_final, ref_prem = reference(market, progs)
    np.testing.assert_allclose(out.stat("final_nav"), ref_final, rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.stat("premium"), ref_prem, rtol=0, atol=1e-10)
    # the comparison has teeth: the programs differ from each other and every put program pays premium
    assert np.ptp(ref_final.mean(axis=1)) > 1e-3
    assert ref_prem[:18].min() > 1e-4


def test_kernel_matches_the_reference_with_levered_and_partial_equity_weights():
    market = simulate_market("merton", n_paths=24, n_steps=90, seed=4)
    progs = programs()[::5]
    weights = np.linspace(0.6, 1.8, len(progs))
    out = mark_programs(market, progs, weights=weights)
    ref_final, ref_prem = reference(market, progs, weights=weights)
    np.testing.assert_allclose(out.stat("final_nav"), ref_final, rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.stat("premium"), ref_prem, rtol=0, atol=1e-10)
