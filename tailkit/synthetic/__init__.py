"""tailkit's own calibrated generators of SYNTHETIC data, for demos and tests where no real data ships.

Above the core (they use :mod:`tailkit.simulation` and :mod:`tailkit.pricing`), below the
domain packages that demo with them. The bundled files they make, and the loaders that read
them, stay in :mod:`tailkit.data.synthetic` (the data layer reads files and knows no model).

* :mod:`~tailkit.synthetic.history`: 20y/30y yields (bivariate Vasicek) and TLT closes;
* :mod:`~tailkit.synthetic.chain`: a TLT option chain on a documented smile with bid/ask;
* :mod:`~tailkit.synthetic.files`: the bundled files, rewritten byte for byte by
  ``python -m tailkit.synthetic``.
"""

from tailkit.synthetic.chain import SyntheticChainParams, monthly_expiries, synthetic_option_chain
from tailkit.synthetic.files import synthetic_file_texts, write_synthetic_files
from tailkit.synthetic.history import (
    DEFAULT_SEED,
    HISTORY_END,
    HISTORY_START,
    SyntheticHistoryParams,
    synthetic_history,
)

__all__ = [
    "DEFAULT_SEED",
    "HISTORY_END",
    "HISTORY_START",
    "SyntheticChainParams",
    "SyntheticHistoryParams",
    "monthly_expiries",
    "synthetic_file_texts",
    "synthetic_history",
    "synthetic_option_chain",
    "write_synthetic_files",
]
