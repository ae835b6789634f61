// AVX-512 vector math: 16 lanes, the algorithm of vmath_internal.h lane by lane. 2^n scaling uses
// vscalefps, which rounds subnormal results once and overflows to +inf by itself. The loop bodies
// are branch-free; the last n % 16 elements go through the same code with masked loads and
// stores, so a result never depends on its position in the array.
#include "vmath_internal.h"

#if RK_X86
#include <immintrin.h>
#include <math.h>

#define SPLAT _mm512_set1_ps

RK_TARGET_AVX512 RK_INLINE __mmask16 tail_mask(long count) { return (__mmask16)((1u << count) - 1u); }

/// Keeps NaN: vmaxps/vminps return their second operand when either is NaN.
RK_TARGET_AVX512 RK_INLINE __m512 clamp(__m512 x, float low, float high) {
    return _mm512_min_ps(SPLAT(high), _mm512_max_ps(SPLAT(low), x));
}

/// exp(x) = 2^nf * p for x in [RK_EXP_LOW, RK_EXP_HIGH] (or NaN); returns p, stores nf (an integer).
RK_TARGET_AVX512 RK_INLINE __m512 exp_reduced(__m512 x, __m512 *nf) {
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, SPLAT(RK_LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    *nf = n;
    __m512 r = _mm512_fnmadd_ps(n, SPLAT(RK_LN2_HI), x);
    r = _mm512_fnmadd_ps(n, SPLAT(RK_LN2_LO), r);
    __m512 poly = _mm512_fmadd_ps(SPLAT(RK_EXP_C4), r, SPLAT(RK_EXP_C3));
    poly = _mm512_fmadd_ps(poly, r, SPLAT(RK_EXP_C2));
    poly = _mm512_fmadd_ps(poly, r, SPLAT(RK_EXP_C1));
    poly = _mm512_fmadd_ps(poly, r, SPLAT(RK_EXP_C0));
    return _mm512_add_ps(SPLAT(1.0f), _mm512_fmadd_ps(_mm512_mul_ps(r, r), poly, r));
}

RK_TARGET_AVX512 RK_INLINE __m512 exp16(__m512 x) {
    __m512 n;
    __m512 p = exp_reduced(clamp(x, RK_EXP_LOW, RK_EXP_HIGH), &n);
    return _mm512_scalef_ps(p, n);
}

/// Both branches work on a = |x| and the sign of x is put back last, which keeps tanh(-0) = -0.
RK_TARGET_AVX512 RK_INLINE __m512 tanh16(__m512 x) {
    __m512 a = _mm512_abs_ps(x);

    __m512 u = _mm512_mul_ps(a, a);
    __m512 poly = _mm512_fmadd_ps(SPLAT(RK_TANH_C5), u, SPLAT(RK_TANH_C4));
    poly = _mm512_fmadd_ps(poly, u, SPLAT(RK_TANH_C3));
    poly = _mm512_fmadd_ps(poly, u, SPLAT(RK_TANH_C2));
    poly = _mm512_fmadd_ps(poly, u, SPLAT(RK_TANH_C1));
    poly = _mm512_fmadd_ps(poly, u, SPLAT(RK_TANH_C0));
    __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(a, u), poly, a);

    __m512 n;
    __m512 twice = _mm512_min_ps(SPLAT(RK_TANH_TWICE_HIGH), _mm512_add_ps(a, a));
    __m512 e = _mm512_scalef_ps(exp_reduced(twice, &n), n);
    __m512 large = _mm512_sub_ps(SPLAT(1.0f), _mm512_div_ps(SPLAT(2.0f), _mm512_add_ps(e, SPLAT(1.0f))));

    __mmask16 use_poly = _mm512_cmp_ps_mask(a, SPLAT(RK_TANH_SMALL), _CMP_NGE_UQ);  // and NaN
    __m512 t = _mm512_mask_blend_ps(use_poly, large, small);
    return _mm512_or_ps(t, _mm512_and_ps(SPLAT(-0.0f), x));
}

RK_TARGET_AVX512 RK_INLINE __m512 sigmoid16(__m512 x) {
    __m512 z = exp16(_mm512_or_ps(x, SPLAT(-0.0f)));  // exp(-|x|)
    __mmask16 negative = _mm512_movepi32_mask(_mm512_castps_si512(x));  // sign bits
    __m512 numerator = _mm512_mask_blend_ps(negative, SPLAT(1.0f), z);
    return _mm512_div_ps(numerator, _mm512_add_ps(SPLAT(1.0f), z));
}

RK_TARGET_AVX512 RK_INLINE __m512 log16(__m512 x) {
    __mmask16 subnormal = _mm512_cmp_ps_mask(x, SPLAT(RK_FLT_MIN_NORMAL), _CMP_LT_OQ);
    __m512 scaled = _mm512_mask_mul_ps(x, subnormal, x, SPLAT(0x1p23f));
    __m512i reduced = _mm512_sub_epi32(_mm512_castps_si512(scaled), _mm512_set1_epi32(RK_SQRT_HALF_BITS));
    __m512i k = _mm512_mask_sub_epi32(_mm512_srai_epi32(reduced, 23), subnormal,
                                      _mm512_srai_epi32(reduced, 23), _mm512_set1_epi32(23));
    __m512i m_bits = _mm512_add_epi32(_mm512_and_si512(reduced, _mm512_set1_epi32(0x7fffff)),
                                      _mm512_set1_epi32(RK_SQRT_HALF_BITS));
    __m512 f = _mm512_sub_ps(_mm512_castsi512_ps(m_bits), SPLAT(1.0f));

    __m512 poly = _mm512_fmadd_ps(SPLAT(RK_LOG_C7), f, SPLAT(RK_LOG_C6));
    poly = _mm512_fmadd_ps(poly, f, SPLAT(RK_LOG_C5));
    poly = _mm512_fmadd_ps(poly, f, SPLAT(RK_LOG_C4));
    poly = _mm512_fmadd_ps(poly, f, SPLAT(RK_LOG_C3));
    poly = _mm512_fmadd_ps(poly, f, SPLAT(RK_LOG_C2));
    poly = _mm512_fmadd_ps(poly, f, SPLAT(RK_LOG_C1));
    poly = _mm512_fmadd_ps(poly, f, SPLAT(RK_LOG_C0));
    __m512 log1p = _mm512_fmadd_ps(_mm512_mul_ps(f, f), _mm512_fmsub_ps(poly, f, SPLAT(0.5f)), f);
    __m512 kf = _mm512_cvtepi32_ps(k);
    __m512 result = _mm512_fmadd_ps(kf, SPLAT(RK_LN2_HI), _mm512_fmadd_ps(kf, SPLAT(RK_LN2_LO), log1p));

    // Outside (0, inf): +inf and NaN give themselves, negatives NaN, zeros -inf.
    result = _mm512_mask_mov_ps(result, _mm512_cmp_ps_mask(x, SPLAT(INFINITY), _CMP_NLT_UQ), x);
    result = _mm512_mask_mov_ps(result, _mm512_cmp_ps_mask(x, SPLAT(0.0f), _CMP_LT_OQ), SPLAT(NAN));
    return _mm512_mask_mov_ps(result, _mm512_cmp_ps_mask(x, SPLAT(0.0f), _CMP_EQ_OQ), SPLAT(-INFINITY));
}

// MARK: - Array loops

#define RK_AVX512_MAP(name, function)                                                          \
    RK_TARGET_AVX512 static void name(const float *x, float *y, long n) {                      \
        long i = 0;                                                                            \
        for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, function(_mm512_loadu_ps(x + i))); \
        if (i < n) {                                                                           \
            __mmask16 mask = tail_mask(n - i);                                                 \
            _mm512_mask_storeu_ps(y + i, mask, function(_mm512_maskz_loadu_ps(mask, x + i))); \
        }                                                                                      \
    }

RK_AVX512_MAP(exp_avx512, exp16)
RK_AVX512_MAP(tanh_avx512, tanh16)
RK_AVX512_MAP(sigmoid_avx512, sigmoid16)
RK_AVX512_MAP(log_avx512, log16)

RK_TARGET_AVX512 static float max_avx512(const float *x, long n) {
    __m512 best = SPLAT(-INFINITY);
    __mmask16 nan = 0;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        best = _mm512_max_ps(best, v);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    }
    if (i < n) {
        __m512 v = _mm512_mask_loadu_ps(SPLAT(-INFINITY), tail_mask(n - i), x + i);
        best = _mm512_max_ps(best, v);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    }
    return nan ? NAN : _mm512_reduce_max_ps(best);
}

/// Adds the 16 lanes of e to the two double accumulators.
RK_TARGET_AVX512 RK_INLINE void accumulate(__m512d *sum_low, __m512d *sum_high, __m512 e) {
    *sum_low = _mm512_add_pd(*sum_low, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
    *sum_high = _mm512_add_pd(*sum_high, _mm512_cvtps_pd(_mm512_extractf32x8_ps(e, 1)));
}

RK_TARGET_AVX512 static double exp_sum_avx512(const float *x, float *y, long n, float shift) {
    __m512d sum_low = _mm512_setzero_pd(), sum_high = _mm512_setzero_pd();
    __m512 shift_v = SPLAT(shift);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), shift_v));
        if (y) _mm512_storeu_ps(y + i, e);
        accumulate(&sum_low, &sum_high, e);
    }
    if (i < n) {
        __mmask16 mask = tail_mask(n - i);
        __m512 e = exp16(_mm512_sub_ps(_mm512_mask_loadu_ps(SPLAT(-INFINITY), mask, x + i), shift_v));
        if (y) _mm512_mask_storeu_ps(y + i, mask, e);
        accumulate(&sum_low, &sum_high, e);
    }
    return _mm512_reduce_add_pd(_mm512_add_pd(sum_low, sum_high));
}

const rk_vmath_kernels rk_vmath_avx512 = {
    exp_avx512, tanh_avx512, sigmoid_avx512, log_avx512, max_avx512, exp_sum_avx512, rk_lstm_forward_avx2, rk_lstm_backward_avx2,
    rk_gru_forward_avx2, rk_gru_backward_avx2, rk_adam_update_avx2,
};

#endif
