"""Book benchmark: mark 500 open credit spreads against 100,000 stored quotes.

The book (a temporary SQLite file) holds 1,000 contracts (puts and calls, 5 expiries, 100
strikes) quoted at 100 times each = 100,000 quotes, and 500 open spreads on them. Compared in
the same run on the same file:

* ``tailkit.book.mark_book``: one query joins every open leg to its latest quote (one indexed
  look-up per leg), then numpy and one vectorised ``bs_greeks`` call for all legs;
* a straightforward reference written here: per position, a query for its legs, then per leg
  a query for its latest quote and a scalar ``bs_greeks`` call, summed in Python.

Both give the same values (checked to 1e-9). Times are best-of-N wall times after one warm-up
(numba compilation / cache load and SQLite page cache excluded). Goal (issue 5): < 200 ms.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks._timing import best_time

N_POSITIONS = 500
N_TIMES = 100
N_STRIKES = 100
EXPIRIES = ("2099-01-16", "2099-02-20", "2099-03-20", "2099-04-17", "2099-05-15")
AS_OF = "2098-12-31"
SEED = 20250105
REPEATS = 5


def build_book(path: Path) -> object:
    """A book with 100,000 quotes and 500 open spreads (quotes inserted in bulk for speed)."""
    from tailkit.book import Book, add_spread, contract_key, set_nav, spread_order

    rng = np.random.default_rng(SEED)
    book = Book(path, actor="benchmark")
    strikes_c = (np.arange(N_STRIKES) * 50 + 7500).astype(np.int64)  # 75.00 .. 124.50
    times = [f"2098-{9 + t // 30:02d}-{1 + t % 28:02d}T{10 + t % 6:02d}:00:00" for t in range(N_TIMES)]
    rows = []
    for kind in ("put", "call"):
        for expiry in EXPIRIES:
            for k in strikes_c:
                contract = contract_key("TLT", kind, int(k), expiry)
                mids = np.abs(rng.normal(1.0, 0.4, N_TIMES)) + 0.05
                for t, when in enumerate(times):
                    bid = round(float(mids[t]) * 100)
                    rows.append(
                        (
                            contract,
                            when,
                            "TLT",
                            kind,
                            int(k),
                            expiry,
                            10000,
                            bid,
                            bid + 3,
                            0.12 + 0.1 * rng.random(),
                        )
                    )
    with book.transaction() as conn:  # type: ignore[attr-defined]
        conn.executemany(
            "INSERT INTO quotes (contract, quote_time, underlying, kind, strike_cents, expiry, underlying_cents, "
            "bid_cents, ask_cents, iv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    set_nav(book, 10_000_000)
    for _ in range(N_POSITIONS):
        put = rng.random() < 0.5
        i = int(rng.integers(5, N_STRIKES - 6))
        short, long_ = (strikes_c[i], strikes_c[i - 4]) if put else (strikes_c[i], strikes_c[i + 4])
        order = spread_order(
            strategy="bull_put" if put else "bear_call",
            short_strike=int(short) / 100,
            long_strike=int(long_) / 100,
            expiry=EXPIRIES[int(rng.integers(0, len(EXPIRIES)))],
            contracts=int(rng.integers(1, 20)),
            credit=0.5,
            trade_date="2098-08-01",
        )
        add_spread(book, order)
    return book


def reference_mark(book: object, rate: float) -> dict[int, tuple[float, float, float]]:
    """Per position: legs query; per leg: latest-quote query and a scalar bs_greeks call."""
    from datetime import date

    from tailkit.pricing import bs_greeks

    conn = book.conn  # type: ignore[attr-defined]
    day = date.fromisoformat(AS_OF)
    cutoff = AS_OF + "T23:59:59"
    out: dict[int, tuple[float, float, float]] = {}
    for pid, contracts, mult, credit_c in conn.execute(
        "SELECT id, contracts, multiplier, entry_price_cents FROM positions WHERE status = 'open' ORDER BY id"
    ).fetchall():
        value = 0.0
        delta = 0.0
        for kind, strike_c, expiry, qty, contract in conn.execute(
            "SELECT kind, strike_cents, expiry, quantity, contract FROM legs WHERE position_id = ?", (pid,)
        ).fetchall():
            q = conn.execute(
                "SELECT bid_cents, ask_cents, iv, underlying_cents FROM quotes WHERE contract = ? AND quote_time <= ? "
                "ORDER BY quote_time DESC LIMIT 1",
                (contract, cutoff),
            ).fetchone()
            mid = (q[0] + q[1]) / 200.0
            value -= qty * mid
            T = (date.fromisoformat(expiry) - day).days / 365.0
            g = bs_greeks(kind, q[3] / 100.0, strike_c / 100.0, T, rate, q[2])
            delta += qty * g.delta * contracts * mult
        pnl = (credit_c / 100.0 - value) * contracts * mult
        out[int(pid)] = (value, pnl, delta)
    return out


def main() -> None:
    """Print the benchmark table."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from tailkit.book import get_settings, mark_book
    from tailkit.studies.book_review import BookReviewParams, book_review

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        book = build_book(Path(tmp) / "bench.sqlite")
        n_quotes = book.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]  # type: ignore[attr-defined]
        print(f"setup: {n_quotes:,} quotes, {N_POSITIONS} open spreads in {time.perf_counter() - t0:.1f} s")
        rate = get_settings(book).risk_free_rate
        t_fast, marks = best_time(lambda: mark_book(book, as_of=AS_OF), REPEATS, warm_up=True)
        t_ref, ref = best_time(lambda: reference_mark(book, rate), 2, warm_up=True)
        t_save, _ = best_time(lambda: mark_book(book, as_of=AS_OF, save=True), 2, warm_up=True)
        frame = marks.positions  # type: ignore[attr-defined]
        ref_arr = np.array([ref[int(p)] for p in frame["position_id"]])  # type: ignore[index]
        err = max(
            float(np.max(np.abs(frame["value_mid"].to_numpy() - ref_arr[:, 0]))),
            float(np.max(np.abs(frame["pnl_mid"].to_numpy() - ref_arr[:, 1]))),
            float(np.max(np.abs(frame["delta"].to_numpy() - ref_arr[:, 2]))),
        )
        assert err < 1e-9, f"tailkit and the reference disagree by {err:g}"
        print(f"{'implementation':<52} {'time':>10} {'vs reference':>13}")
        print(
            f"{'reference: per-position query + per-leg pricing loop':<52} {t_ref * 1e3:>8.1f} ms {1.0:>12.1f}x"
        )
        print(
            f"{'tailkit.book.mark_book (one query + vectorised)':<52} {t_fast * 1e3:>8.1f} ms {t_ref / t_fast:>12.1f}x"
        )
        print(
            f"{'mark_book(save=True) (+ 500 mark rows, audit)':<52} {t_save * 1e3:>8.1f} ms {t_ref / t_save:>12.1f}x"
        )
        print(
            f"max |difference| value/P&L/delta: {err:.1e}; goal < 200 ms: "
            f"{'met' if t_fast < 0.2 else 'NOT met'} ({t_fast * 1e3:.1f} ms); {int(frame['marked'].sum())} marked, "
            f"{int(frame['signal'].notna().sum())} exit signals"
        )
        t_review, _ = best_time(lambda: book_review(book), 2, warm_up=True)
        print(f"{'book_review(book): all the app reads to render':<52} {t_review * 1e3:>8.1f} ms")
        try:
            from widgets.book import BookReviewPanel

            path = str(book.path)  # type: ignore[attr-defined]
            t_panel, _ = best_time(lambda: BookReviewPanel(BookReviewParams(db_path=path)), 2, warm_up=True)
            print(f"{'BookReviewPanel(...) built headless on this book':<52} {t_panel * 1e3:>8.1f} ms")
        except ImportError:  # widgets extra not installed
            pass
        book.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
