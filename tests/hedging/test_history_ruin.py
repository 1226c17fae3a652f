"""Regression: a 1-month put program on the bundled S&P 500 history never shows a return below -100%.

Issue 12 / the premia study saw a -424% month for a tail hedge with ``tenor_months=1,
roll_months=0``. Cause: a notional hedge ratio of 1 buys puts on the initial share count at
every roll whatever the NAV, the premium is paid from (borrowed) cash, and on the bundled history
1-month 90% puts cost more than they paid (about 9% of the starting NAV a year against 1%), so the
hedged NAV crossed zero in 2010 and monthly returns were then measured on a NAV near or below
zero. The marking kernel now treats a NAV at or below zero as insolvency (NAV 0, nothing held,
nothing bought); returns are never measured from a ruined NAV.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tailkit.hedging import NoHedge, ProtectivePut, bundled_history, evaluate_history, mark_programs


def test_one_month_puts_on_history_never_lose_more_than_everything():
    market = bundled_history()
    program = ProtectivePut(tenor_months=1.0, roll_months=0.0)
    marked = mark_programs(market, [NoHedge(), program], record_paths=1)
    nav = pd.DataFrame(marked.nav[:, 0, :].T, index=market.dates, columns=["unhedged", "hedged"])
    assert nav.to_numpy().min() >= 0.0
    monthly = nav.resample("ME").last()
    ret = (monthly / monthly.shift(1) - 1.0).iloc[1:]
    assert ret["hedged"].min() >= -1.0
    # the program is insolvent on the history (the premiums outrun the NAV), and says so
    ev = evaluate_history(market, [program], attribute=False)
    m = ev.metrics[0]
    assert m.ruin_date.startswith("20")
    ruin = pd.Timestamp(m.ruin_date)
    assert np.all(ev.nav.loc[ruin:, ev.nav.columns[0]] == 0.0)
    assert np.all(ev.nav.loc[: ruin - pd.Timedelta(days=1), ev.nav.columns[0]] > 0.0)
    assert m.max_drawdown == 1.0 and np.isfinite(m.worst_month) and m.worst_month >= -1.0
    # a solvent program is untouched: the default 3-month puts keep a positive NAV and no ruin date
    solvent = evaluate_history(market, [ProtectivePut()], attribute=False).metrics[0]
    assert solvent.ruin_date == ""
