"""Option kinds as packed character codes -> +1.0 (call) / -1.0 (put), parsed in parallel."""

from __future__ import annotations

import numpy as np

from tailkit._numba import jit, prange

# --------------------------------------------------------------------------- option kinds


_CALL_WORDS = (0x6C6C6163, 0x63)  # "call", "c" packed little-endian, one byte per letter
_PUT_WORDS = (0x747570, 0x70)  # "put", "p"


def _kind_row_sign_python(codes: np.ndarray, i: int) -> float:
    """+1.0 / -1.0 for row ``i`` spelling call/put (c/p, any case), 0.0 for anything else.

    Branch-free over the characters (rows are random calls and puts): letters are folded to lower
    case and packed one byte each; a code point >= 128 or a fifth character marks the row bad.
    """
    word = np.int64(0)
    bad = np.int64(0)
    for j in range(codes.shape[1]):
        c = np.int64(codes[i, j])
        nonzero = np.int64(c != 0)
        bad |= np.int64(c >= 128) | (np.int64(j >= 4) & nonzero)
        word |= ((c | 32) * nonzero) << (8 * min(j, 7))
    call = np.int64(word == _CALL_WORDS[0]) | np.int64(word == _CALL_WORDS[1])
    put = np.int64(word == _PUT_WORDS[0]) | np.int64(word == _PUT_WORDS[1])
    return float((call - put) * (1 - bad))


_kind_row_sign = jit(_kind_row_sign_python, inline="always")


def kind_codes_to_sign_python(codes: np.ndarray, out: np.ndarray) -> int:
    """Map rows of UTF-32 code points ("call"/"put"/"c"/"p", any case, NUL-padded) to +1/-1.

    Returns the index of the first row that is not one of those spellings (its ``out`` is 0.0),
    or -1.
    """
    n = codes.shape[0]
    n_bad = 0
    for i in prange(n):
        v = _kind_row_sign(codes, i)
        out[i] = v
        if v == 0.0:
            n_bad += 1
    if n_bad == 0:
        return -1
    for i in range(n):
        if out[i] == 0.0:
            return i
    return -1


kind_codes_to_sign = jit(kind_codes_to_sign_python, parallel=True)
