"""The one numba shim.

``jit`` compiles with numba in nopython mode and ``cache=True`` when numba is importable
and falls back to the plain Python function (with a warning, once) when it is not.
``prange`` is numba's parallel range or the builtin ``range``.

Kernels are written as plain Python functions and the jitted twin is bound from them::

    def bs_call_python(...): ...
    bs_call = jit(bs_call_python)

so that a test can check that both agree. Set ``TAILKIT_DISABLE_JIT=1`` to run every
kernel as plain Python (for debugging and coverage).

Vector width: on a CPU with AVX-512, LLVM's default tuning still emits 256-bit vectors
(``prefer-256-bit``, a guard against the clock drop of early AVX-512 parts). tailkit's kernels
are long chains of double-precision arithmetic that vectorise, and 512-bit vectors make them
faster (the hedging benchmark's marking kernel: 0.70 s against 0.61 s on two cores), so before
numba compiles anything this module asks for the host's own features with ``-prefer-256-bit``
(``NUMBA_CPU_FEATURES``). Results do not change: without fast-math every lane rounds as the
scalar code does and no reduction is reordered (no SVML either), so twins still agree to the
bit. It is not applied when the user has set ``NUMBA_CPU_NAME`` or ``NUMBA_CPU_FEATURES``
(theirs wins), on CPUs without AVX-512, or when ``TAILKIT_NUMBA_256_BIT=1``; it is process
wide, so numba code compiled after importing tailkit gets it too.

Interleaving: on AVX2 hosts (16 vector registers) LLVM's cost model gives the long loops of the
Black pass and the daily marking an interleave count of 1, so each iteration is one chain of
dependent multiplies and adds (a degree-13 polynomial, two rational functions) that the core
waits on. ``-force-vector-interleave=2`` (:func:`interleave_option`) makes every vectorised loop
carry two independent vectors: the hedging benchmark's marking kernel went from 2.10 s to 1.67 s
on one core of an AMD EPYC (Zen 3). The arithmetic of each element is unchanged (floating-point
reductions are not vectorised without fast-math), so results keep their bits. Not applied on
AVX-512 hosts (not measured there: the option is process wide and LLVM's own choice was kept
where it was tuned) nor without AVX2; ``TAILKIT_NUMBA_INTERLEAVE=N`` chooses (``0``: LLVM's).
numba's on-disk cache does not record the option: kernels cached before a change keep the
interleaving they were compiled with until their source changes.

Fused multiply-adds: :func:`fma` is ``a * b + c`` rounded once, LLVM's ``llvm.fma`` in compiled
code (one instruction with FMA hardware, a correctly rounded library call without) and the
exact value rounded once in plain Python. Kernels write it where they want it; fast-math
contraction (the compiler fusing where it sees fit) is not used, so the bits do not depend on
the machine.
"""

from __future__ import annotations

import functools
import math
import os
import struct
import types
import warnings
from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast

__all__ = [
    "HAS_NUMBA",
    "jit",
    "prange",
    "get_num_threads",
    "wide_vector_features",
    "interleave_option",
    "float_bits",
    "bits_float",
    "fma",
]

F = TypeVar("F", bound=Callable[..., Any])

_DISABLED = os.environ.get("TAILKIT_DISABLE_JIT", "") not in ("", "0")

#: the numba module, or None when it is missing or disabled (typed ``Any``: it is one or the other)
_numba: Any = None
#: numba's parallel range inside jitted code, the builtin ``range`` without numba
prange: Any = range


@functools.cache
def _host_features() -> Any:
    """The host CPU's features as llvmlite maps them (one query per process), or None when it cannot say."""
    try:
        import llvmlite.binding as llvm

        return llvm.get_host_cpu_features()
    except Exception:  # pragma: no cover - llvmlite without a host query
        return None


def wide_vector_features() -> str | None:
    """The host's LLVM feature string with ``-prefer-256-bit``, or None where it does not apply.

    None when the user chose the target (``NUMBA_CPU_NAME`` or ``NUMBA_CPU_FEATURES`` set), when
    ``TAILKIT_NUMBA_256_BIT=1``, when the host has no AVX-512 (``avx512f``) or when llvmlite
    cannot say (see the module docstring).
    """
    if any(os.environ.get(k) for k in ("NUMBA_CPU_NAME", "NUMBA_CPU_FEATURES")):
        return None
    if os.environ.get("TAILKIT_NUMBA_256_BIT", "") not in ("", "0"):
        return None
    host = _host_features()
    if host is None or not host.get("avx512f", False):
        return None
    return str(host.flatten()) + ",-prefer-256-bit"


def interleave_option() -> str | None:
    """The LLVM option that makes the loop vectoriser interleave 2 vectors, or None where it does not apply.

    ``TAILKIT_NUMBA_INTERLEAVE=N`` asks for ``N`` (``0``: LLVM's own choice, no option set);
    without it, 2 on hosts without AVX-512 and None on hosts with it (see the module docstring).
    """
    chosen = os.environ.get("TAILKIT_NUMBA_INTERLEAVE", "")
    if chosen:
        if not chosen.isdigit():
            raise ValueError(
                f"TAILKIT_NUMBA_INTERLEAVE={chosen!r}: expected a whole number of vectors (0: LLVM's choice)"
            )
        return None if int(chosen) == 0 else f"-force-vector-interleave={int(chosen)}"
    host = _host_features()
    if host is None or host.get("avx512f", False) or not host.get("avx2", False):
        return None
    return "-force-vector-interleave=2"


try:  # pragma: no cover - exercised by the environment, not by a test
    if _DISABLED:
        raise ImportError("disabled by TAILKIT_DISABLE_JIT")
    _WIDE = wide_vector_features()
    if _WIDE is not None:
        # read by numba when it builds its code generator (the first compilation), and by any
        # process (a Dask worker, a test subprocess) that imports numba after this one set it
        os.environ["NUMBA_CPU_FEATURES"] = _WIDE
    _INTERLEAVE = interleave_option()
    if _INTERLEAVE is not None:
        import llvmlite.binding as _llvm

        _llvm.set_option("tailkit", _INTERLEAVE)  # process wide, for every later compilation
    import numba

    _config: Any = numba.config  # its settings are module attributes set from the environment
    if _WIDE is not None and _config.CPU_FEATURES is None:
        _config.CPU_FEATURES = _WIDE  # numba imported before tailkit: its config was read
    _numba = numba
    HAS_NUMBA = True
    prange = numba.prange
except ImportError:  # pragma: no cover
    HAS_NUMBA = False

_warned = False


def _warn_once() -> None:
    global _warned
    if not _warned and not _DISABLED:
        warnings.warn(
            "numba is not installed: tailkit kernels run as plain Python and are slow; "
            "install numba (pip install numba) for compiled kernels",
            RuntimeWarning,
            stacklevel=3,
        )
        _warned = True


def jit(
    func: F | None = None,
    *,
    parallel: bool = False,
    fastmath: bool = False,
    cache: bool = True,
    inline: Literal["never", "always"] = "never",
    nrt: bool = True,
) -> Any:
    """Compile ``func`` with numba (nopython, cached) or return it unchanged.

    Parameters
    ----------
    func : callable, optional
        The plain-Python kernel. When omitted, a decorator is returned.
    parallel : bool, default=False
        Enable ``prange`` parallel loops.
    fastmath : bool, default=False
        Allow LLVM fast-math. Off by default: tailkit's numbers must match their
        plain-Python twins to the last few ulps.
    cache : bool, default=True
        Cache the compiled machine code next to the module.
    inline : {"never", "always"}, default="never"
        Numba's IR inlining hint for small scalar helpers.
    nrt : bool, default=True
        Compile with numba's reference-counting runtime. ``False`` for a helper that allocates
        nothing and returns no array, called from a hot loop: compiled with the runtime, each
        call takes and drops a reference to every array argument (two atomic operations per
        array; with several threads sharing an array, on one contended counter). The hedging
        kernel's per-option helper took 11% of its time in them. A ``False`` helper that
        allocates an array fails to compile (numba finds no ``np.empty`` without the runtime).

    Returns
    -------
    callable
        The jitted twin, or ``func`` itself without numba.
    """

    def wrap(f: F) -> F:
        if not HAS_NUMBA:
            _warn_once()
            return f
        target = _variant(f, parallel=parallel, fastmath=fastmath, nrt=nrt)
        opts: dict[str, Any] = {} if nrt else {"_nrt": False}  # numba's (underscored) runtime flag
        return _numba.njit(parallel=parallel, fastmath=fastmath, cache=cache, inline=inline, **opts)(target)

    if func is None:
        return wrap
    return wrap(func)


def _variant(f: F, *, parallel: bool, fastmath: bool, nrt: bool = True) -> F:
    """Return ``f``, or a copy named for its compile options when they are not the defaults.

    numba's on-disk cache keys a function by module, qualified name and line, not by compile
    options: a parallel twin and a serial twin of one plain function would share (and
    overwrite) one cache entry, and whichever was compiled first is then loaded for both.
    Giving each variant its own qualified name gives each its own cache entry.
    """
    if not (parallel or fastmath or not nrt):
        return f
    flags = (("__parallel", parallel), ("__fastmath", fastmath), ("__no_nrt", not nrt))
    suffix = "".join(s for s, on in flags if on)
    clone = types.FunctionType(f.__code__, f.__globals__, f.__name__ + suffix, f.__defaults__, f.__closure__)
    clone.__qualname__ = f.__qualname__ + suffix
    clone.__module__ = f.__module__
    clone.__doc__ = f.__doc__
    clone.__kwdefaults__ = f.__kwdefaults__
    clone.__annotations__ = dict(getattr(f, "__annotations__", {}))
    # cast: ``clone`` runs ``f``'s own code object with its globals, defaults and closure, so it
    # has ``f``'s signature; FunctionType() is typed as returning a plain FunctionType.
    return cast(F, clone)


def get_num_threads() -> int:
    """Number of threads numba's parallel loops use (1 without numba)."""
    if not HAS_NUMBA:
        return 1
    return int(_numba.get_num_threads())


def float_bits(x: float) -> int:
    """The IEEE 754 bits of the double ``x`` as a signed 64-bit integer (a reinterpretation, no rounding).

    In compiled code this is a bit cast (no instruction of its own, and it vectorises: AVX2 has
    64-bit integer adds and shifts but no double-to-int64 conversion, which LLVM scalarises).
    """
    return int(struct.unpack("<q", struct.pack("<d", x))[0])


def bits_float(b: int) -> float:
    """The double whose IEEE 754 bits are the signed 64-bit integer ``b`` (inverse of :func:`float_bits`)."""
    return float(struct.unpack("<d", struct.pack("<q", b))[0])


def _fma_exact(a: float, b: float, c: float) -> float:
    """``a * b + c`` rounded once, from the exact integer value of the sum (finite, nonzero ``a``, ``b``)."""
    ma, ea = math.frexp(a)
    mb, eb = math.frexp(b)
    mc, ec = math.frexp(c)
    # every finite double is an integer times a power of two: 53-bit integer mantissas
    ia, ib, ic = int(ma * 2**53), int(mb * 2**53), int(mc * 2**53)
    ep, es = ea + eb - 106, ec - 53  # a * b = ia * ib * 2^ep, c = ic * 2^es
    e = min(ep, es)
    n = ((ia * ib) << (ep - e)) + (ic << (es - e))
    if n == 0:
        return 0.0  # an exact cancellation is +0 when rounding to nearest
    try:
        # int / int and int -> float are correctly rounded (to nearest, ties to even) in CPython,
        # subnormal results included
        return n / (1 << -e) if e < 0 else float(n << e)
    except OverflowError:
        return math.inf if n > 0 else -math.inf


def fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` with a single rounding (IEEE 754 fusedMultiplyAdd), the same bits on every machine.

    In compiled code this is LLVM's ``llvm.fma.f64``: one ``vfmadd`` instruction where the CPU
    has FMA (every x86-64 CPU since 2013, every ARMv8), a correctly rounded library call where
    it has not, so results do not depend on the machine, unlike letting the compiler contract
    ``a * b + c`` (``fastmath``), which fuses where it sees fit. It vectorises. In plain Python
    (the twins, ``TAILKIT_DISABLE_JIT``) ``math.fma`` where Python has it (3.13+), else the exact
    integer value of ``a * b + c`` rounded once (about 1.5 us a call). NaN and infinities
    propagate as in ``a * b + c``.
    """
    if not (math.isfinite(a) and math.isfinite(b)):
        return a * b + c  # an infinite or NaN product: the sum is the fused one
    if not math.isfinite(c):
        return c  # the exact product is finite (it cannot overflow before the sum)
    if a == 0.0 or b == 0.0:
        return a * b + c  # an exact (signed) zero product
    if c == 0.0:
        return a * b  # a single rounding already (and keeps the sign of a zero underflow)
    return _fma_exact(a, b, c)


if hasattr(math, "fma"):  # pragma: no cover - Python 3.13+
    fma = math.fma  # math.fma is new in Python 3.13: its own correctly rounded fused multiply-add


if HAS_NUMBA:  # pragma: no branch - the compiled twins of the two bit casts and of fma
    from numba.core import types as _nbtypes
    from numba.extending import intrinsic as _intrinsic
    from numba.extending import overload as _overload

    @_intrinsic
    def _bitcast_f64_i64(typingctx: Any, x: Any) -> Any:
        def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
            return builder.bitcast(args[0], context.get_value_type(_nbtypes.int64))

        return _nbtypes.int64(_nbtypes.float64), codegen

    @_intrinsic
    def _bitcast_i64_f64(typingctx: Any, b: Any) -> Any:
        def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
            return builder.bitcast(args[0], context.get_value_type(_nbtypes.float64))

        return _nbtypes.float64(_nbtypes.int64), codegen

    # numba compares an overload's parameters with its implementation's, annotations included
    @_overload(float_bits, inline="always")
    def _float_bits_nb(x):  # type: ignore[no-untyped-def]  # annotations would break numba's inline check
        if x == _nbtypes.float64:
            return lambda x: _bitcast_f64_i64(x)  # type: ignore[call-arg]  # numba passes typingctx
        return None

    @_overload(bits_float, inline="always")
    def _bits_float_nb(b):  # type: ignore[no-untyped-def]  # annotations would break numba's inline check
        if b == _nbtypes.int64:
            return lambda b: _bitcast_i64_f64(b)  # type: ignore[call-arg]  # numba passes typingctx
        return None

    @_intrinsic
    def _fma_f64(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
        def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
            return builder.fma(args[0], args[1], args[2])  # llvm.fma.f64: correctly rounded

        f64 = _nbtypes.float64
        return f64(f64, f64, f64), codegen

    @_overload(fma, inline="always")
    def _fma_nb(a, b, c):  # type: ignore[no-untyped-def]  # annotations would break numba's inline check
        if all(isinstance(v, (_nbtypes.Float, _nbtypes.Integer)) for v in (a, b, c)):
            return lambda a, b, c: _fma_f64(float(a), float(b), float(c))  # type: ignore[call-arg]  # numba passes typingctx
        return None
