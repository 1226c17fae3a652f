"""The implied-vol level on history: the VIX / GARCH-vol ratio fitted on the bundled 2014-2018 data.

The proxy before 2014 is ``ratio x GJR-GARCH vol``, ``ratio`` the geometric-mean VIX / GARCH-vol
ratio on the overlap (:func:`tailkit.hedging.history.fit_vrp_ratio`). Checked here: the fit is
the geometric mean by hand, it sits above 1 (implied above the realised-vol forecast: a variance
risk premium), and fitted on 2014-2016 only it predicts the 2017-2018 VIX out of sample without
material bias.
"""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.hedging.history import _bundled_inputs, fit_vrp_ratio, garch_vol_forecast, implied_vol_path


@pytest.fixture(scope="module")
def data():
    spx, vix = _bundled_inputs()
    return spx, (vix / 100.0).reindex(spx.index).dropna(), garch_vol_forecast(spx)


def test_vrp_ratio_on_the_bundled_overlap_is_the_geometric_mean(data):
    spx, vix, gv = data
    ratio = fit_vrp_ratio(vix, gv)
    by_hand = float(np.exp(np.mean(np.log(vix.to_numpy()) - np.log(gv.loc[vix.index].to_numpy()))))
    assert ratio == pytest.approx(by_hand, rel=1e-12)
    assert 1.0 < ratio < 1.6
    # the path the history markets use is that fit: the proxy before the VIX, the VIX inside it
    path = implied_vol_path(spx, vix * 100.0)
    assert path.vrp_ratio == pytest.approx(ratio, rel=1e-12)
    before = path.proxy.to_numpy()
    np.testing.assert_allclose(path.vol[before], ratio * gv[before], rtol=1e-12)
    inside = vix.index
    np.testing.assert_allclose(path.vol.loc[inside], vix, rtol=1e-12)


def test_vrp_ratio_fitted_on_2014_2016_predicts_the_2017_2018_vix(data):
    _, vix, gv = data
    fit, test = vix[:"2016-12-31"], vix["2017-01-01":]
    ratio = fit_vrp_ratio(fit, gv)
    assert ratio == pytest.approx(fit_vrp_ratio(vix, gv), rel=0.05)
    err = np.log(ratio * gv.loc[test.index].to_numpy()) - np.log(test.to_numpy())
    assert abs(err.mean()) < 0.1
    assert np.corrcoef(np.log(gv.loc[test.index].to_numpy()), np.log(test.to_numpy()))[0, 1] > 0.8
