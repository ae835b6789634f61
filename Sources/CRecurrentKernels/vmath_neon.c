// NEON (arm64 Advanced SIMD) vector math: 4 lanes, the algorithm of vmath_internal.h lane by
// lane. NEON has no masked loads, so the last n % 4 elements are copied to a padded local vector,
// computed by the same code, and copied back: a result never depends on its position.
#include "vmath_internal.h"

#if RK_ARM64
#include <arm_neon.h>
#include <math.h>

#define SPLAT vdupq_n_f32

/// fmax/fmin propagate NaN, so a NaN lane stays NaN.
RK_INLINE float32x4_t clamp(float32x4_t x, float low, float high) {
    return vminq_f32(vmaxq_f32(x, SPLAT(low)), SPLAT(high));
}

/// exp(x) = 2^n * p for x in [RK_EXP_LOW, RK_EXP_HIGH] (or NaN); returns p, stores n.
RK_INLINE float32x4_t exp_reduced(float32x4_t x, int32x4_t *n) {
    float32x4_t nf = vrndnq_f32(vmulq_f32(x, SPLAT(RK_LOG2E)));
    *n = vcvtq_s32_f32(nf);  // NaN converts to 0; the NaN is carried by p
    float32x4_t r = vfmsq_f32(x, nf, SPLAT(RK_LN2_HI));
    r = vfmsq_f32(r, nf, SPLAT(RK_LN2_LO));
    float32x4_t poly = vfmaq_f32(SPLAT(RK_EXP_C3), SPLAT(RK_EXP_C4), r);
    poly = vfmaq_f32(SPLAT(RK_EXP_C2), poly, r);
    poly = vfmaq_f32(SPLAT(RK_EXP_C1), poly, r);
    poly = vfmaq_f32(SPLAT(RK_EXP_C0), poly, r);
    return vaddq_f32(SPLAT(1.0f), vfmaq_f32(r, vmulq_f32(r, r), poly));
}

/// 2^n for n in [-126, 127].
RK_INLINE float32x4_t pow2(int32x4_t n) {
    return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n, vdupq_n_s32(127)), 23));
}

RK_INLINE float32x4_t exp4(float32x4_t x) {
    int32x4_t n;
    float32x4_t p = exp_reduced(clamp(x, RK_EXP_LOW, RK_EXP_HIGH), &n);
    int32x4_t half = vshrq_n_s32(n, 1);  // two normal factors: a subnormal result rounds once
    return vmulq_f32(vmulq_f32(p, pow2(half)), pow2(vsubq_s32(n, half)));
}

/// Both branches work on a = |x| and the sign of x is put back last, which keeps tanh(-0) = -0.
RK_INLINE float32x4_t tanh4(float32x4_t x) {
    float32x4_t a = vabsq_f32(x);

    float32x4_t u = vmulq_f32(a, a);
    float32x4_t poly = vfmaq_f32(SPLAT(RK_TANH_C4), SPLAT(RK_TANH_C5), u);
    poly = vfmaq_f32(SPLAT(RK_TANH_C3), poly, u);
    poly = vfmaq_f32(SPLAT(RK_TANH_C2), poly, u);
    poly = vfmaq_f32(SPLAT(RK_TANH_C1), poly, u);
    poly = vfmaq_f32(SPLAT(RK_TANH_C0), poly, u);
    float32x4_t small = vfmaq_f32(a, vmulq_f32(a, u), poly);

    int32x4_t n;
    float32x4_t twice = vminq_f32(vaddq_f32(a, a), SPLAT(RK_TANH_TWICE_HIGH));
    float32x4_t p = exp_reduced(twice, &n);
    float32x4_t e = vreinterpretq_f32_s32(vaddq_s32(vreinterpretq_s32_f32(p), vshlq_n_s32(n, 23)));
    float32x4_t large = vsubq_f32(SPLAT(1.0f), vdivq_f32(SPLAT(2.0f), vaddq_f32(e, SPLAT(1.0f))));

    // NaN takes the polynomial, which keeps it (the exponent arithmetic above would not).
    float32x4_t t = vbslq_f32(vcgeq_f32(a, SPLAT(RK_TANH_SMALL)), large, small);
    return vbslq_f32(vdupq_n_u32(0x80000000u), x, t);  // the sign bit from x, the rest from t
}

RK_INLINE float32x4_t sigmoid4(float32x4_t x) {
    float32x4_t z = exp4(vnegq_f32(vabsq_f32(x)));  // exp(-|x|)
    uint32x4_t negative = vcltzq_s32(vreinterpretq_s32_f32(x));  // sign bits
    float32x4_t numerator = vbslq_f32(negative, z, SPLAT(1.0f));
    return vdivq_f32(numerator, vaddq_f32(SPLAT(1.0f), z));
}

RK_INLINE float32x4_t log4(float32x4_t x) {
    uint32x4_t subnormal = vcltq_f32(x, SPLAT(RK_FLT_MIN_NORMAL));
    float32x4_t scaled = vbslq_f32(subnormal, vmulq_f32(x, SPLAT(0x1p23f)), x);
    int32x4_t reduced = vsubq_s32(vreinterpretq_s32_f32(scaled), vdupq_n_s32(RK_SQRT_HALF_BITS));
    int32x4_t k = vaddq_s32(vshrq_n_s32(reduced, 23),
                            vandq_s32(vreinterpretq_s32_u32(subnormal), vdupq_n_s32(-23)));
    int32x4_t m_bits = vaddq_s32(vandq_s32(reduced, vdupq_n_s32(0x7fffff)), vdupq_n_s32(RK_SQRT_HALF_BITS));
    float32x4_t f = vsubq_f32(vreinterpretq_f32_s32(m_bits), SPLAT(1.0f));

    float32x4_t poly = vfmaq_f32(SPLAT(RK_LOG_C6), SPLAT(RK_LOG_C7), f);
    poly = vfmaq_f32(SPLAT(RK_LOG_C5), poly, f);
    poly = vfmaq_f32(SPLAT(RK_LOG_C4), poly, f);
    poly = vfmaq_f32(SPLAT(RK_LOG_C3), poly, f);
    poly = vfmaq_f32(SPLAT(RK_LOG_C2), poly, f);
    poly = vfmaq_f32(SPLAT(RK_LOG_C1), poly, f);
    poly = vfmaq_f32(SPLAT(RK_LOG_C0), poly, f);
    float32x4_t log1p = vfmaq_f32(f, vmulq_f32(f, f), vfmaq_f32(SPLAT(-0.5f), poly, f));
    float32x4_t kf = vcvtq_f32_s32(k);
    float32x4_t result = vfmaq_f32(vfmaq_f32(log1p, kf, SPLAT(RK_LN2_LO)), kf, SPLAT(RK_LN2_HI));

    // Outside (0, inf): +inf and NaN give themselves, negatives NaN, zeros -inf.
    uint32x4_t inside = vandq_u32(vcgtq_f32(x, SPLAT(0.0f)), vcltq_f32(x, SPLAT(INFINITY)));
    result = vbslq_f32(inside, result, x);
    result = vbslq_f32(vcltq_f32(x, SPLAT(0.0f)), SPLAT(NAN), result);
    return vbslq_f32(vceqq_f32(x, SPLAT(0.0f)), SPLAT(-INFINITY), result);
}

// MARK: - Array loops

/// Copies the last count (< 4) elements into a vector padded with `fill`.
RK_INLINE float32x4_t load_tail(const float *x, long count, float fill) {
    float lanes[4] = {fill, fill, fill, fill};
    for (long j = 0; j < count; j++) lanes[j] = x[j];
    return vld1q_f32(lanes);
}

RK_INLINE void store_tail(float *y, long count, float32x4_t v) {
    float lanes[4];
    vst1q_f32(lanes, v);
    for (long j = 0; j < count; j++) y[j] = lanes[j];
}

#define RK_NEON_MAP(name, function)                                                         \
    static void name(const float *x, float *y, long n) {                                    \
        long i = 0;                                                                         \
        for (; i + 4 <= n; i += 4) vst1q_f32(y + i, function(vld1q_f32(x + i)));            \
        if (i < n) store_tail(y + i, n - i, function(load_tail(x + i, n - i, 0.0f)));       \
    }

RK_NEON_MAP(exp_neon, exp4)
RK_NEON_MAP(tanh_neon, tanh4)
RK_NEON_MAP(sigmoid_neon, sigmoid4)
RK_NEON_MAP(log_neon, log4)

static float max_neon(const float *x, long n) {
    float32x4_t best = SPLAT(-INFINITY);
    uint32x4_t nan = vdupq_n_u32(0);
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        float32x4_t v = vld1q_f32(x + i);
        best = vmaxnmq_f32(best, v);
        nan = vorrq_u32(nan, vmvnq_u32(vceqq_f32(v, v)));
    }
    if (i < n) {
        float32x4_t v = load_tail(x + i, n - i, -INFINITY);
        best = vmaxnmq_f32(best, v);
        nan = vorrq_u32(nan, vmvnq_u32(vceqq_f32(v, v)));
    }
    return vmaxvq_u32(nan) ? NAN : vmaxnmvq_f32(best);
}

static double exp_sum_neon(const float *x, float *y, long n, float shift) {
    float64x2_t sum_low = vdupq_n_f64(0), sum_high = vdupq_n_f64(0);
    float32x4_t shift_v = SPLAT(shift);
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        float32x4_t e = exp4(vsubq_f32(vld1q_f32(x + i), shift_v));
        if (y) vst1q_f32(y + i, e);
        sum_low = vaddq_f64(sum_low, vcvt_f64_f32(vget_low_f32(e)));
        sum_high = vaddq_f64(sum_high, vcvt_high_f64_f32(e));
    }
    if (i < n) {
        float32x4_t e = exp4(vsubq_f32(load_tail(x + i, n - i, -INFINITY), shift_v));  // exp(-inf) = 0
        if (y) store_tail(y + i, n - i, e);
        sum_low = vaddq_f64(sum_low, vcvt_f64_f32(vget_low_f32(e)));
        sum_high = vaddq_f64(sum_high, vcvt_high_f64_f32(e));
    }
    return vaddvq_f64(vaddq_f64(sum_low, sum_high));
}

const rk_vmath_kernels rk_vmath_neon = {
    exp_neon, tanh_neon, sigmoid_neon, log_neon, max_neon, exp_sum_neon, rk_lstm_forward_generic, rk_lstm_backward_generic,
    rk_gru_forward_generic, rk_gru_backward_generic, rk_adam_update_generic,
};

#endif
