#!/usr/bin/env python3
"""Fits the polynomial coefficients used by Sources/CRecurrentKernels/vmath*.c.

Usage: python3 scripts/fit_vmath_coefficients.py           # prints the #define lines
       python3 scripts/fit_vmath_coefficients.py --check   # exits 1 unless vmath_internal.h has them

The printed lines are pasted as they are into Sources/CRecurrentKernels/vmath_internal.h. Needs
numpy only; takes about half a minute.

Method: each polynomial is a weighted minimax fit of the part of the function that the leading
Taylor terms do not already give exactly, so the error that matters (relative error of the
float result) is what is minimised. The minimax fit is found with Lawson's algorithm (iteratively
reweighted least squares) in float64 on a dense grid. The coefficients are then rounded to float32
one at a time, lowest degree first, refitting the remaining ones after each rounding, so the
rounding of an early coefficient is compensated by the later ones.

The fits:
  exp:   e^r ~ 1 + r + r^2 * P(r),           r in [-ln2/2, ln2/2],  P of degree 4 (c2..c6)
  tanh:  tanh(x) ~ x + x^3 * P(x^2),         x in [0, TANH_SMALL],   P of degree 5
  log:   log1p(f) ~ f - f^2/2 + f^3 * P(f),  f in [sqrt(1/2)-1, sqrt(2)-1], P of degree 7
"""
import pathlib
import sys

import numpy as np

TANH_SMALL = 0.625  # must match RK_TANH_SMALL in vmath_internal.h


def lawson_fit(basis, target, weight, iterations=400):
    """Minimises max |weight * (basis @ c - target)| over the grid (Lawson's algorithm)."""
    a = basis * weight[:, None]
    b = target * weight
    lawson = np.full(len(b), 1.0 / len(b))
    best, best_err = None, np.inf
    for _ in range(iterations):
        s = np.sqrt(lawson)
        c, *_ = np.linalg.lstsq(a * s[:, None], b * s, rcond=None)
        err = np.abs(a @ c - b)
        if err.max() < best_err:
            best, best_err = c, err.max()
        lawson = lawson * err
        lawson /= lawson.sum()
    return best, best_err


def fit_rounded(make_basis, fixed_part, exact, weight, degree, grid):
    """Fits coefficients of `fixed_part(grid) + sum_k c_k * make_basis(grid, k)` to `exact`,
    rounding them to float32 one by one (lowest first) and refitting the rest each time."""
    rounded = []
    basis_all = np.stack([make_basis(grid, k) for k in range(degree + 1)], axis=1)
    for k in range(degree + 1):
        known = fixed_part(grid) + (basis_all[:, :k] @ np.array(rounded) if rounded else 0.0)
        c, _ = lawson_fit(basis_all[:, k:], exact - known, weight)
        rounded.append(float(np.float32(c[0])))
    model = fixed_part(grid) + basis_all @ np.array(rounded)
    return rounded, np.max(np.abs((model - exact) * weight))


def fit_exp():
    r = np.linspace(-np.log(2) / 2, np.log(2) / 2, 20001)
    return fit_rounded(lambda g, k: g ** (k + 2), lambda g: 1.0 + g, np.exp(r), np.exp(-r), 4, r)


def fit_tanh():
    x = np.linspace(1e-4, TANH_SMALL, 20001)
    exact = np.tanh(x)
    return fit_rounded(lambda g, k: g ** (2 * k + 3), lambda g: g, exact, 1.0 / exact, 5, x)


def fit_log1p():
    f = np.linspace(np.sqrt(0.5) - 1, np.sqrt(2) - 1, 40001)
    f = f[np.abs(f) > 1e-6]
    exact = np.log1p(f)
    return fit_rounded(lambda g, k: g ** (k + 3), lambda g: g - 0.5 * g * g, exact, 1.0 / np.abs(exact), 7, f)


def c_float(value):
    """The float32 value as a C hex float literal, e.g. 0x1.555554p-2f."""
    mantissa, exponent = float.hex(float(np.float32(value))).split("p")
    return f"{mantissa.rstrip('0').rstrip('.')}p{int(exponent)}f"


def main():
    lines = []
    for name, (coefficients, error) in [("EXP", fit_exp()), ("TANH", fit_tanh()), ("LOG", fit_log1p())]:
        lines.append(f"// {name}: max relative error of the float32-coefficient polynomial, in exact arithmetic: "
                     f"{error:.3e} ({error / 2.0 ** -24:.3f} half-ulps of 1)")
        for k, c in enumerate(coefficients):
            lines.append(f"#define RK_{name}_C{k} {c_float(c)}  // {float(np.float32(c))!r}")
    if "--check" in sys.argv:
        header = pathlib.Path(__file__).resolve().parent.parent / "Sources/CRecurrentKernels/vmath_internal.h"
        text = header.read_text()
        missing = [line for line in lines if line.startswith("#define") and line not in text]
        for line in missing:
            print(f"not in {header.name}: {line}")
        sys.exit(1 if missing else 0)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
