// Shared by the vector math files (vmath.c and its per-ISA files) and the optimizer kernels
// (optimizers*.c): the constants and fitted polynomial coefficients, the portable scalar cores,
// and the per-ISA entry points.
//
// Every instruction set evaluates the same algorithm with the same constants, so results agree
// across ISAs to within the effect of fused multiply-adds:
//   exp(x):  n = round(x / ln2), r = x - n ln2 (Cody-Waite, two constants),
//            exp(x) = 2^n (1 + r + r^2 P(r)); the 2^n scaling is split in two factors (or done by
//            AVX-512 scalef) so results that are subnormal are rounded once, not twice.
//   tanh(x): |x| < RK_TANH_SMALL: x + x^3 P(x^2), which cannot cancel; otherwise
//            sign(x) (1 - 2 / (exp(2|x|) + 1)), which saturates to 1 without overflow.
//   sigmoid: z = exp(-|x|) in [0, 1], then 1 / (1 + z) for x >= 0 and z / (1 + z) for x < 0.
//   log(x):  x = 2^k m with m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact),
//            log(x) = k ln2 + f - f^2/2 + f^3 P(f).
// The coefficients come from scripts/fit_vmath_coefficients.py (minimax in relative error,
// coefficients rounded to float one by one and the rest refitted).
#ifndef RK_VMATH_INTERNAL_H
#define RK_VMATH_INTERNAL_H

#include "internal.h"

#include <string.h>

// MARK: - Constants

#define RK_LOG2E 0x1.715476p+0f
#define RK_LN2_HI 0x1.62e400p-1f   // 16 significant bits: n * RK_LN2_HI is exact for |n| < 256
#define RK_LN2_LO 0x1.7f7d1cp-20f  // ln 2 - RK_LN2_HI
#define RK_ROUND_MAGIC 0x1.8p+23f  // adding it rounds a float of magnitude < 2^22 to an integer
#define RK_ROUND_MAGIC_BITS 0x4b400000
// exp's input is clamped to [RK_EXP_LOW, RK_EXP_HIGH]: exp(-104) is below half the smallest
// subnormal (so it rounds to 0) and 2^128 overflows, so clamping changes no result.
#define RK_EXP_LOW -104.0f
#define RK_EXP_HIGH 89.0f
// tanh(x) rounds to 1 in float from x = 9.011; clamping 2|x| here keeps exp(2|x|) far from overflow.
#define RK_TANH_TWICE_HIGH 20.0f
#define RK_TANH_SMALL 0.625f  // below this, tanh uses its odd polynomial
#define RK_SQRT_HALF_BITS 0x3f3504f3  // bits of sqrt(1/2) rounded to float
#define RK_FLT_MIN_NORMAL 0x1p-126f

// Polynomial coefficients, printed by scripts/fit_vmath_coefficients.py (run it with --check to
// verify these lines). Max relative errors of the polynomials themselves, in exact arithmetic:
// exp 3.1e-9, tanh 1.8e-10, log 5.9e-9, all far below float's 6e-8.

// e^r ~ 1 + r + r^2 (C0 + C1 r + C2 r^2 + C3 r^3 + C4 r^4) on [-ln2/2, ln2/2]
#define RK_EXP_C0 0x1.fffffcp-2f  // 0.4999999403953552
#define RK_EXP_C1 0x1.555494p-3f  // 0.1666652262210846
#define RK_EXP_C2 0x1.5558bep-5f  // 0.04166829213500023
#define RK_EXP_C3 0x1.123856p-7f  // 0.008368532173335552
#define RK_EXP_C4 0x1.6a3d0ep-10f  // 0.0013818301958963275

// tanh(x) ~ x + x^3 (C0 + C1 u + ... + C5 u^5), u = x^2, on [0, RK_TANH_SMALL]
#define RK_TANH_C0 -0x1.555554p-2f  // -0.3333333134651184
#define RK_TANH_C1 0x1.11107ap-3f  // 0.13333220779895782
#define RK_TANH_C2 -0x1.b9f188p-5f  // -0.05394817888736725
#define RK_TANH_C3 0x1.63a55p-6f  // 0.021706894040107727
#define RK_TANH_C4 -0x1.0c5edp-7f  // -0.008190013468265533
#define RK_TANH_C5 0x1.1a2816p-9f  // 0.002152683911845088

// log1p(f) ~ f - f^2/2 + f^3 (C0 + C1 f + ... + C7 f^7) on [sqrt(1/2) - 1, sqrt(2) - 1]
#define RK_LOG_C0 0x1.555554p-2f  // 0.3333333134651184
#define RK_LOG_C1 -0x1.000226p-2f  // -0.2500081956386566
#define RK_LOG_C2 0x1.99a01cp-3f  // 0.2000124156475067
#define RK_LOG_C3 -0x1.54728ap-3f  // -0.166234090924263
#define RK_LOG_C4 0x1.22d92ap-3f  // 0.14201577007770538
#define RK_LOG_C5 -0x1.0d823ap-3f  // -0.13159604370594025
#define RK_LOG_C6 0x1.055efap-3f  // 0.1276225596666336
#define RK_LOG_C7 -0x1.38cacap-4f  // -0.07636526972055435

// MARK: - Per-ISA entry points

/// The kernels one instruction set provides. The row operations (logsumexp, softmax) are
/// written once in vmath.c on top of `max` and `exp_sum`.
typedef struct {
    void (*exp)(const float *x, float *y, long n);
    void (*tanh)(const float *x, float *y, long n);
    void (*sigmoid)(const float *x, float *y, long n);
    void (*log)(const float *x, float *y, long n);
    /// The largest of n > 0 elements, or NaN when any element is NaN.
    float (*max)(const float *x, long n);
    /// Sum of exp(x[i] - shift), accumulated in double; also stores each exp(x[i] - shift)
    /// into y unless y is NULL. `shift` is finite and no smaller than any x[i].
    double (*exp_sum)(const float *x, float *y, long n, float shift);
    /// The cells' elementwise steps (internal.h).
    rk_lstm_forward_fn *lstm_forward;
    rk_lstm_backward_fn *lstm_backward;
    rk_gru_forward_fn *gru_forward;
    rk_gru_backward_fn *gru_backward;
    /// Adam's update (rk_adam_update in CRecurrentKernels.h).
    rk_adam_update_fn *adam_update;
} rk_vmath_kernels;

/// The portable cell kernels, which the NEON table shares.
rk_lstm_forward_fn rk_lstm_forward_generic;
rk_lstm_backward_fn rk_lstm_backward_generic;
rk_gru_forward_fn rk_gru_forward_generic;
rk_gru_backward_fn rk_gru_backward_generic;
/// The portable Adam update (C with fmaf, which arm64 compilers turn into NEON fused
/// multiply-adds), which the NEON table shares.
rk_adam_update_fn rk_adam_update_generic;
#if RK_X86
/// The AVX2 cell kernels, which the AVX-512 table shares (every AVX-512 CPU has AVX2).
rk_lstm_forward_fn rk_lstm_forward_avx2;
rk_lstm_backward_fn rk_lstm_backward_avx2;
rk_gru_forward_fn rk_gru_forward_avx2;
rk_gru_backward_fn rk_gru_backward_avx2;
/// Adam's update eight lanes at a time, which the AVX-512 table shares: it is bound by memory
/// and by the divider, which 16 lanes would not make faster.
rk_adam_update_fn rk_adam_update_avx2;
#endif

extern const rk_vmath_kernels rk_vmath_generic;
#if RK_X86
extern const rk_vmath_kernels rk_vmath_avx2;
extern const rk_vmath_kernels rk_vmath_avx512;
#endif
#if RK_ARM64
extern const rk_vmath_kernels rk_vmath_neon;
#endif

// MARK: - Portable scalar cores (the generic path; the SIMD files mirror them lane by lane)

RK_INLINE uint32_t rk_float_bits(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

RK_INLINE float rk_bits_float(uint32_t bits) {
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/// Reduces x (already in [RK_EXP_LOW, RK_EXP_HIGH], or NaN) to exp(x) = 2^n * p, p in [0.7, 1.42].
RK_INLINE float rk_exp_reduced_scalar(float x, int32_t *n) {
    float shifted = x * RK_LOG2E + RK_ROUND_MAGIC;
    float nf = shifted - RK_ROUND_MAGIC;
    *n = (int32_t)(rk_float_bits(shifted) - RK_ROUND_MAGIC_BITS);
    float r = x - nf * RK_LN2_HI;
    r = r - nf * RK_LN2_LO;
    float poly = RK_EXP_C4;
    poly = poly * r + RK_EXP_C3;
    poly = poly * r + RK_EXP_C2;
    poly = poly * r + RK_EXP_C1;
    poly = poly * r + RK_EXP_C0;
    return 1.0f + (r * r * poly + r);
}

/// 2^n as a float for n in [-126, 127].
RK_INLINE float rk_pow2_scalar(int32_t n) { return rk_bits_float((uint32_t)(n + 127) << 23); }

RK_INLINE float rk_exp_scalar(float x) {
    x = x < RK_EXP_LOW ? RK_EXP_LOW : x;  // NaN fails both comparisons and stays NaN
    x = x > RK_EXP_HIGH ? RK_EXP_HIGH : x;
    int32_t n;
    float p = rk_exp_reduced_scalar(x, &n);
    int32_t half = n >> 1;  // two factors, each a normal float, so a subnormal result rounds once
    return p * rk_pow2_scalar(half) * rk_pow2_scalar(n - half);
}

/// tanh of a = |x| (or NaN), which is then given the sign of x: that is what keeps
/// tanh(-0) = -0, which the polynomial's fma would round to +0.
RK_INLINE float rk_tanh_scalar(float x) {
    float a = rk_bits_float(rk_float_bits(x) & 0x7fffffff);
    float t;
    if (!(a >= RK_TANH_SMALL)) {  // NaN too: the polynomial keeps it, the exponent arithmetic would not
        float u = a * a;
        float poly = RK_TANH_C5;
        poly = poly * u + RK_TANH_C4;
        poly = poly * u + RK_TANH_C3;
        poly = poly * u + RK_TANH_C2;
        poly = poly * u + RK_TANH_C1;
        poly = poly * u + RK_TANH_C0;
        t = (a * u) * poly + a;
    } else {
        float twice = a + a;
        twice = twice > RK_TANH_TWICE_HIGH ? RK_TANH_TWICE_HIGH : twice;
        int32_t n;
        float p = rk_exp_reduced_scalar(twice, &n);
        float e = rk_bits_float(rk_float_bits(p) + ((uint32_t)n << 23));  // p * 2^n, n in [0, 29]
        t = 1.0f - 2.0f / (e + 1.0f);
    }
    return rk_bits_float(rk_float_bits(t) | (rk_float_bits(x) & 0x80000000u));
}

RK_INLINE float rk_sigmoid_scalar(float x) {
    float z = rk_exp_scalar(x < 0.0f ? x : -x);  // exp(-|x|), NaN stays NaN
    return (x < 0.0f ? z : 1.0f) / (1.0f + z);
}

RK_INLINE float rk_log_scalar(float x) {
    if (!(x > 0.0f) || x == __builtin_inff()) {
        if (x == 0.0f) return -__builtin_inff();
        if (x < 0.0f) return __builtin_nanf("");
        return x;  // +inf or NaN
    }
    int32_t k_offset = 0;
    if (x < RK_FLT_MIN_NORMAL) {
        x *= 0x1p23f;
        k_offset = -23;
    }
    uint32_t reduced = rk_float_bits(x) - RK_SQRT_HALF_BITS;
    int32_t k = ((int32_t)reduced >> 23) + k_offset;
    float f = rk_bits_float((reduced & 0x7fffff) + RK_SQRT_HALF_BITS) - 1.0f;
    float poly = RK_LOG_C7;
    poly = poly * f + RK_LOG_C6;
    poly = poly * f + RK_LOG_C5;
    poly = poly * f + RK_LOG_C4;
    poly = poly * f + RK_LOG_C3;
    poly = poly * f + RK_LOG_C2;
    poly = poly * f + RK_LOG_C1;
    poly = poly * f + RK_LOG_C0;
    float f2 = f * f;
    float log1p = f2 * (poly * f - 0.5f) + f;
    float kf = (float)k;
    return kf * RK_LN2_HI + (kf * RK_LN2_LO + log1p);
}

#endif
