"""Pricing kernels: plain-Python functions and their jitted twins.

Conventions
-----------
* ``sign`` is +1.0 for a call and -1.0 for a put.
* Units: spot and strike in price units, ``T`` in years, ``r`` (rate) and ``q`` (continuous
  dividend yield) as continuously compounded decimals, ``sigma`` as a decimal per sqrt(year).
* Array kernels take 1-D float64 inputs that are either of length ``n`` (one value per
  option) or of length 1 (one value shared by every option) and write into ``out``.
  This keeps scalar arguments free of broadcasting copies.
* The normal CDF is Cody's rational ``erfc`` with an exactly computed Gaussian factor (see
  "normal law" below): ~1e-15 relative in both tails (no ``1 - Phi``), one exponential shared
  by ``N(d1)`` and ``N(d2)``. Array kernels work in blocks whose arithmetic pass vectorises.

Degenerate inputs (defined here, tested in ``tests/pricing``):

* ``T == 0``: the price is the intrinsic value ``max(sign * (S - K), 0)``; delta is the payoff
  step (``sign * 0.5`` exactly at the money); every other Greek is 0.
* ``sigma == 0`` (``T > 0``): the price is the discounted intrinsic value of the forward,
  ``max(sign * (S e^{-qT} - K e^{-rT}), 0)``; Greeks are the ``sigma -> 0`` limits, with
  ``N(0) = 0.5`` exactly at the forward and gamma set to 0.
"""

from __future__ import annotations

from tailkit.pricing._kernels.black_scholes import (  # noqa: F401
    _NPARTS,
    BLOCK,
    _black_pass,
    _black_pass_python,
    _bs_price_array,
    _bs_price_blocks,
    _bs_price_blocks_serial,
    _step,
    _step_python,
    black_block,
    black_block_python,
    black_core,
    black_core_python,
    bs_block,
    bs_block_python,
    bs_fill_block,
    bs_fill_block_python,
    bs_gather,
    bs_gather_python,
    bs_greeks_array,
    bs_greeks_array_python,
    bs_greeks_array_serial,
    bs_greeks_blocks_python,
    bs_greeks_scalar,
    bs_greeks_scalar_python,
    bs_price_array,
    bs_price_array_python,
    bs_price_array_serial,
    bs_price_blocks_python,
    bs_price_scalar,
    bs_price_scalar_python,
    greeks_from_parts,
    greeks_from_parts_python,
)
from tailkit.pricing._kernels.implied_vol import (  # noqa: F401
    IV_ABOVE_UPPER,
    IV_BAD_INPUT,
    IV_BELOW_LOWER,
    IV_NOT_CONVERGED,
    IV_OK,
    _lower_guess,
    _lower_guess_python,
    implied_vol_array,
    implied_vol_array_python,
    implied_vol_array_serial,
    implied_vol_scalar,
    implied_vol_scalar_python,
    normalized_call_vega,
    normalized_call_vega_python,
    normalized_implied_s,
    normalized_implied_s_python,
    normalized_otm_call,
    normalized_otm_call_python,
)
from tailkit.pricing._kernels.kinds import (  # noqa: F401
    _CALL_WORDS,
    _PUT_WORDS,
    _kind_row_sign,
    _kind_row_sign_python,
    kind_codes_to_sign,
    kind_codes_to_sign_python,
)
from tailkit.pricing._kernels.merton import (  # noqa: F401
    MERTON_EPS,
    MERTON_MAX_TERMS,
    merton_price_array,
    merton_price_array_python,
    merton_price_scalar,
    merton_price_scalar_python,
)
from tailkit.pricing._kernels.normal import (  # noqa: F401
    _ERF_SMALL,
    _INV_LN2,
    _LN2_HI,
    _LN2_LO,
    _PHI_ZERO,
    INV_SQRT2PI,
    INV_SQRTPI,
    LOG_SQRT2PI,
    SQRT1_2,
    SQRT2,
    _erf_small,
    _erf_small_python,
    _erfcx_large,
    _erfcx_large_python,
    _erfcx_mid,
    _erfcx_mid_python,
    _phi_from_ratio,
    _phi_from_ratio_python,
    _square_split,
    _square_split_python,
    exp_mhalf_sq,
    exp_mhalf_sq_python,
    norm_cdf,
    norm_cdf_e,
    norm_cdf_e_branchy,
    norm_cdf_e_branchy_python,
    norm_cdf_e_python,
    norm_cdf_e_ranges,
    norm_cdf_e_ranges_python,
    norm_cdf_python,
    norm_pdf,
    norm_pdf_python,
    norm_ppf_guess,
    norm_ppf_guess_python,
    vexp,
    vexp_mhalf_sq,
    vexp_mhalf_sq_python,
    vexp_python,
)
