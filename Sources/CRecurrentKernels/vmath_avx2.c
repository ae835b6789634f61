// AVX2 + FMA vector math: 8 lanes, the algorithm of vmath_internal.h lane by lane. The loop
// bodies are branch-free; the last n % 8 elements go through the same code with masked loads
// and stores, so a result never depends on its position in the array.
#include "vmath_internal.h"

#if RK_X86
#include <immintrin.h>
#include <math.h>

#define SPLAT _mm256_set1_ps

RK_TARGET_AVX2 RK_INLINE __m256i tail_mask(long count) {
    const int32_t lanes[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_loadu_si256((const __m256i *)lanes));
}

/// Keeps NaN: vmaxps/vminps return their second operand when either is NaN.
RK_TARGET_AVX2 RK_INLINE __m256 clamp(__m256 x, float low, float high) {
    return _mm256_min_ps(SPLAT(high), _mm256_max_ps(SPLAT(low), x));
}

/// exp(x) = 2^n * p for x in [RK_EXP_LOW, RK_EXP_HIGH] (or NaN); returns p, stores n.
RK_TARGET_AVX2 RK_INLINE __m256 exp_reduced(__m256 x, __m256i *n) {
    __m256 shifted = _mm256_fmadd_ps(x, SPLAT(RK_LOG2E), SPLAT(RK_ROUND_MAGIC));
    __m256 nf = _mm256_sub_ps(shifted, SPLAT(RK_ROUND_MAGIC));
    *n = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(RK_ROUND_MAGIC_BITS));
    __m256 r = _mm256_fnmadd_ps(nf, SPLAT(RK_LN2_HI), x);
    r = _mm256_fnmadd_ps(nf, SPLAT(RK_LN2_LO), r);
    __m256 poly = _mm256_fmadd_ps(SPLAT(RK_EXP_C4), r, SPLAT(RK_EXP_C3));
    poly = _mm256_fmadd_ps(poly, r, SPLAT(RK_EXP_C2));
    poly = _mm256_fmadd_ps(poly, r, SPLAT(RK_EXP_C1));
    poly = _mm256_fmadd_ps(poly, r, SPLAT(RK_EXP_C0));
    return _mm256_add_ps(SPLAT(1.0f), _mm256_fmadd_ps(_mm256_mul_ps(r, r), poly, r));
}

/// 2^n for n in [-126, 127].
RK_TARGET_AVX2 RK_INLINE __m256 pow2(__m256i n) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
}

RK_TARGET_AVX2 RK_INLINE __m256 exp8(__m256 x) {
    __m256i n;
    __m256 p = exp_reduced(clamp(x, RK_EXP_LOW, RK_EXP_HIGH), &n);
    __m256i half = _mm256_srai_epi32(n, 1);  // two normal factors: a subnormal result rounds once
    return _mm256_mul_ps(_mm256_mul_ps(p, pow2(half)), pow2(_mm256_sub_epi32(n, half)));
}

/// Both branches work on a = |x| and the sign of x is put back last, which keeps tanh(-0) = -0.
RK_TARGET_AVX2 RK_INLINE __m256 tanh8(__m256 x) {
    const __m256 sign_bit = SPLAT(-0.0f);
    __m256 a = _mm256_andnot_ps(sign_bit, x);

    __m256 u = _mm256_mul_ps(a, a);
    __m256 poly = _mm256_fmadd_ps(SPLAT(RK_TANH_C5), u, SPLAT(RK_TANH_C4));
    poly = _mm256_fmadd_ps(poly, u, SPLAT(RK_TANH_C3));
    poly = _mm256_fmadd_ps(poly, u, SPLAT(RK_TANH_C2));
    poly = _mm256_fmadd_ps(poly, u, SPLAT(RK_TANH_C1));
    poly = _mm256_fmadd_ps(poly, u, SPLAT(RK_TANH_C0));
    __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(a, u), poly, a);

    __m256i n;
    __m256 twice = _mm256_min_ps(SPLAT(RK_TANH_TWICE_HIGH), _mm256_add_ps(a, a));
    __m256 p = exp_reduced(twice, &n);
    __m256 e = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), _mm256_slli_epi32(n, 23)));
    __m256 large = _mm256_sub_ps(SPLAT(1.0f), _mm256_div_ps(SPLAT(2.0f), _mm256_add_ps(e, SPLAT(1.0f))));

    // NaN takes the polynomial, which keeps it (the exponent arithmetic above would not).
    __m256 t = _mm256_blendv_ps(large, small, _mm256_cmp_ps(a, SPLAT(RK_TANH_SMALL), _CMP_NGE_UQ));
    return _mm256_or_ps(t, _mm256_and_ps(sign_bit, x));
}

RK_TARGET_AVX2 RK_INLINE __m256 sigmoid8(__m256 x) {
    __m256 z = exp8(_mm256_or_ps(x, SPLAT(-0.0f)));  // exp(-|x|)
    __m256 numerator = _mm256_blendv_ps(SPLAT(1.0f), z, x);  // sign bit of x selects z
    return _mm256_div_ps(numerator, _mm256_add_ps(SPLAT(1.0f), z));
}

RK_TARGET_AVX2 RK_INLINE __m256 log8(__m256 x) {
    __m256 subnormal = _mm256_cmp_ps(x, SPLAT(RK_FLT_MIN_NORMAL), _CMP_LT_OQ);
    __m256 scaled = _mm256_blendv_ps(x, _mm256_mul_ps(x, SPLAT(0x1p23f)), subnormal);
    __m256i reduced = _mm256_sub_epi32(_mm256_castps_si256(scaled), _mm256_set1_epi32(RK_SQRT_HALF_BITS));
    __m256i k = _mm256_add_epi32(_mm256_srai_epi32(reduced, 23),
                                 _mm256_and_si256(_mm256_castps_si256(subnormal), _mm256_set1_epi32(-23)));
    __m256i m_bits = _mm256_add_epi32(_mm256_and_si256(reduced, _mm256_set1_epi32(0x7fffff)),
                                      _mm256_set1_epi32(RK_SQRT_HALF_BITS));
    __m256 f = _mm256_sub_ps(_mm256_castsi256_ps(m_bits), SPLAT(1.0f));

    __m256 poly = _mm256_fmadd_ps(SPLAT(RK_LOG_C7), f, SPLAT(RK_LOG_C6));
    poly = _mm256_fmadd_ps(poly, f, SPLAT(RK_LOG_C5));
    poly = _mm256_fmadd_ps(poly, f, SPLAT(RK_LOG_C4));
    poly = _mm256_fmadd_ps(poly, f, SPLAT(RK_LOG_C3));
    poly = _mm256_fmadd_ps(poly, f, SPLAT(RK_LOG_C2));
    poly = _mm256_fmadd_ps(poly, f, SPLAT(RK_LOG_C1));
    poly = _mm256_fmadd_ps(poly, f, SPLAT(RK_LOG_C0));
    __m256 log1p = _mm256_fmadd_ps(_mm256_mul_ps(f, f), _mm256_fmsub_ps(poly, f, SPLAT(0.5f)), f);
    __m256 kf = _mm256_cvtepi32_ps(k);
    __m256 result = _mm256_fmadd_ps(kf, SPLAT(RK_LN2_HI), _mm256_fmadd_ps(kf, SPLAT(RK_LN2_LO), log1p));

    // Outside (0, inf): +inf and NaN give themselves, negatives NaN, zeros -inf.
    result = _mm256_blendv_ps(result, x, _mm256_cmp_ps(x, SPLAT(INFINITY), _CMP_NLT_UQ));
    result = _mm256_blendv_ps(result, SPLAT(NAN), _mm256_cmp_ps(x, SPLAT(0.0f), _CMP_LT_OQ));
    return _mm256_blendv_ps(result, SPLAT(-INFINITY), _mm256_cmp_ps(x, SPLAT(0.0f), _CMP_EQ_OQ));
}

// MARK: - Array loops

#define RK_AVX2_MAP(name, function)                                                          \
    RK_TARGET_AVX2 static void name(const float *x, float *y, long n) {                      \
        long i = 0;                                                                          \
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, function(_mm256_loadu_ps(x + i))); \
        if (i < n) {                                                                         \
            __m256i mask = tail_mask(n - i);                                                 \
            _mm256_maskstore_ps(y + i, mask, function(_mm256_maskload_ps(x + i, mask)));     \
        }                                                                                    \
    }

RK_AVX2_MAP(exp_avx2, exp8)
RK_AVX2_MAP(tanh_avx2, tanh8)
RK_AVX2_MAP(sigmoid_avx2, sigmoid8)
RK_AVX2_MAP(log_avx2, log8)

/// Loads the elements at and after x that are below `count`, with `fill` in the other lanes.
RK_TARGET_AVX2 RK_INLINE __m256 load_tail(const float *x, long count, float fill) {
    __m256i mask = tail_mask(count);
    return _mm256_blendv_ps(SPLAT(fill), _mm256_maskload_ps(x, mask), _mm256_castsi256_ps(mask));
}

RK_TARGET_AVX2 static float max_avx2(const float *x, long n) {
    __m256 best = SPLAT(-INFINITY), nan = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        best = _mm256_max_ps(best, v);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    }
    if (i < n) {
        __m256 v = load_tail(x + i, n - i, -INFINITY);
        best = _mm256_max_ps(best, v);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    }
    if (!_mm256_testz_ps(nan, nan)) return NAN;
    __m128 half = _mm_max_ps(_mm256_castps256_ps128(best), _mm256_extractf128_ps(best, 1));
    half = _mm_max_ps(half, _mm_movehl_ps(half, half));
    half = _mm_max_ss(half, _mm_movehdup_ps(half));
    return _mm_cvtss_f32(half);
}

/// Adds the 8 lanes of e to the two double accumulators.
RK_TARGET_AVX2 RK_INLINE void accumulate(__m256d *sum_low, __m256d *sum_high, __m256 e) {
    *sum_low = _mm256_add_pd(*sum_low, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
    *sum_high = _mm256_add_pd(*sum_high, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
}

RK_TARGET_AVX2 static double exp_sum_avx2(const float *x, float *y, long n, float shift) {
    __m256d sum_low = _mm256_setzero_pd(), sum_high = _mm256_setzero_pd();
    __m256 shift_v = SPLAT(shift);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), shift_v));
        if (y) _mm256_storeu_ps(y + i, e);
        accumulate(&sum_low, &sum_high, e);
    }
    if (i < n) {
        __m256 e = exp8(_mm256_sub_ps(load_tail(x + i, n - i, -INFINITY), shift_v));  // exp(-inf) = 0
        if (y) _mm256_maskstore_ps(y + i, tail_mask(n - i), e);
        accumulate(&sum_low, &sum_high, e);
    }
    __m256d sum = _mm256_add_pd(sum_low, sum_high);
    __m128d pair = _mm_add_pd(_mm256_castpd256_pd128(sum), _mm256_extractf128_pd(sum, 1));
    return _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)));
}

// MARK: - LSTM cell

/// A vector of 8 (`full`) or of the lanes `mask` selects (the others read as 0, not written).
RK_TARGET_AVX2 RK_INLINE __m256 load_lanes(const float *p, __m256i mask, int full) {
    return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
}

RK_TARGET_AVX2 RK_INLINE void store_lanes(float *p, __m256 v, __m256i mask, int full) {
    if (full) _mm256_storeu_ps(p, v);
    else _mm256_maskstore_ps(p, mask, v);
}

RK_TARGET_AVX2 RK_INLINE void lstm_gates8(float *i, float *f, float *g, float *o, __m256i mask, int full) {
    store_lanes(i, sigmoid8(load_lanes(i, mask, full)), mask, full);
    store_lanes(f, sigmoid8(load_lanes(f, mask, full)), mask, full);
    store_lanes(g, tanh8(load_lanes(g, mask, full)), mask, full);
    store_lanes(o, sigmoid8(load_lanes(o, mask, full)), mask, full);
}

RK_TARGET_AVX2 RK_INLINE void lstm_state8(const float *i, const float *f, const float *g, const float *o, const float *c_prev,
                                          float *c, float *h, __m256i mask, int full) {
    const __m256 vc = _mm256_fmadd_ps(load_lanes(f, mask, full), load_lanes(c_prev, mask, full),
                                      _mm256_mul_ps(load_lanes(i, mask, full), load_lanes(g, mask, full)));
    store_lanes(c, vc, mask, full);
    store_lanes(h, _mm256_mul_ps(load_lanes(o, mask, full), tanh8(vc)), mask, full);
}

/// Two passes, the gates and then the state: one pass with all five functions makes each vector's
/// chain of dependent operations too long for the core to overlap many vectors.
RK_TARGET_AVX2 void rk_lstm_forward_avx2(float *i, float *f, float *g, float *o, const float *c_prev, float *c, float *h,
                                         long n) {
    const __m256i all = _mm256_set1_epi32(-1);
    const long full = n / 8 * 8;
    for (long j = 0; j < full; j += 8) lstm_gates8(i + j, f + j, g + j, o + j, all, 1);
    if (full < n) lstm_gates8(i + full, f + full, g + full, o + full, tail_mask(n - full), 0);
    for (long j = 0; j < full; j += 8) lstm_state8(i + j, f + j, g + j, o + j, c_prev + j, c + j, h + j, all, 1);
    if (full < n) lstm_state8(i + full, f + full, g + full, o + full, c_prev + full, c + full, h + full, tail_mask(n - full), 0);
}

RK_TARGET_AVX2 RK_INLINE void lstm_backward8(const float *i, const float *f, const float *g, const float *o, const float *c,
                                             const float *c_prev, const float *d_output, float *dh_next, float *dc, float *di,
                                             float *df, float *dg, float *d_o, __m256i mask, int full) {
    const __m256 one = SPLAT(1.0f);
    const __m256 vi = load_lanes(i, mask, full), vf = load_lanes(f, mask, full);
    const __m256 vg = load_lanes(g, mask, full), vo = load_lanes(o, mask, full);
    const __m256 dh = _mm256_add_ps(load_lanes(d_output, mask, full), load_lanes(dh_next, mask, full));
    const __m256 t = tanh8(load_lanes(c, mask, full));
    // dL/dc_t in full: what came from later steps plus the path through h = o tanh(c).
    const __m256 dc_total = _mm256_fmadd_ps(_mm256_mul_ps(dh, vo), _mm256_fnmadd_ps(t, t, one), load_lanes(dc, mask, full));
    store_lanes(d_o, _mm256_mul_ps(_mm256_mul_ps(dh, t), _mm256_mul_ps(vo, _mm256_sub_ps(one, vo))), mask, full);
    store_lanes(di, _mm256_mul_ps(_mm256_mul_ps(dc_total, vg), _mm256_mul_ps(vi, _mm256_sub_ps(one, vi))), mask, full);
    store_lanes(df, _mm256_mul_ps(_mm256_mul_ps(dc_total, load_lanes(c_prev, mask, full)), _mm256_mul_ps(vf, _mm256_sub_ps(one, vf))),
                mask, full);
    store_lanes(dg, _mm256_mul_ps(_mm256_mul_ps(dc_total, vi), _mm256_fnmadd_ps(vg, vg, one)), mask, full);
    store_lanes(dc, _mm256_mul_ps(dc_total, vf), mask, full);
    store_lanes(dh_next, _mm256_setzero_ps(), mask, full);
}

RK_TARGET_AVX2 void rk_lstm_backward_avx2(const float *i, const float *f, const float *g, const float *o, const float *c,
                                          const float *c_prev, const float *d_output, float *dh_next, float *dc, float *di,
                                          float *df, float *dg, float *d_o, long n) {
    const __m256i all = _mm256_set1_epi32(-1);
    long j = 0;
    for (; j + 8 <= n; j += 8)
        lstm_backward8(i + j, f + j, g + j, o + j, c + j, c_prev + j, d_output + j, dh_next + j, dc + j, di + j, df + j, dg + j,
                       d_o + j, all, 1);
    if (j < n)
        lstm_backward8(i + j, f + j, g + j, o + j, c + j, c_prev + j, d_output + j, dh_next + j, dc + j, di + j, df + j, dg + j,
                       d_o + j, tail_mask(n - j), 0);
}

// MARK: - GRU cell

RK_TARGET_AVX2 RK_INLINE void gru_gates8(float *r, float *z, const float *gh_r, const float *gh_z, __m256i mask, int full) {
    store_lanes(r, sigmoid8(_mm256_add_ps(load_lanes(r, mask, full), load_lanes(gh_r, mask, full))), mask, full);
    store_lanes(z, sigmoid8(_mm256_add_ps(load_lanes(z, mask, full), load_lanes(gh_z, mask, full))), mask, full);
}

RK_TARGET_AVX2 RK_INLINE void gru_state8(const float *r, const float *z, float *n, const float *gh_n, const float *h_prev,
                                         float *h, __m256i mask, int full) {
    const __m256 vn = tanh8(_mm256_fmadd_ps(load_lanes(r, mask, full), load_lanes(gh_n, mask, full), load_lanes(n, mask, full)));
    // (1 - z) n + z h_prev = n + z (h_prev - n)
    store_lanes(h, _mm256_fmadd_ps(load_lanes(z, mask, full), _mm256_sub_ps(load_lanes(h_prev, mask, full), vn), vn), mask, full);
    store_lanes(n, vn, mask, full);
}

/// Two passes, as for the LSTM: the gates r and z, then n and h.
RK_TARGET_AVX2 void rk_gru_forward_avx2(float *r, float *z, float *n, const float *gh_r, const float *gh_z, const float *gh_n,
                                        const float *h_prev, float *h, long count) {
    const __m256i all = _mm256_set1_epi32(-1);
    const long full = count / 8 * 8;
    for (long j = 0; j < full; j += 8) gru_gates8(r + j, z + j, gh_r + j, gh_z + j, all, 1);
    if (full < count) gru_gates8(r + full, z + full, gh_r + full, gh_z + full, tail_mask(count - full), 0);
    for (long j = 0; j < full; j += 8) gru_state8(r + j, z + j, n + j, gh_n + j, h_prev + j, h + j, all, 1);
    if (full < count)
        gru_state8(r + full, z + full, n + full, gh_n + full, h_prev + full, h + full, tail_mask(count - full), 0);
}

RK_TARGET_AVX2 RK_INLINE void gru_backward8(const float *r, const float *z, const float *n, const float *gh_n,
                                            const float *h_prev, const float *d_output, float *dh_next, float *dgi_r,
                                            float *dgi_z, float *dgi_n, float *dgh_r, float *dgh_z, float *dgh_n,
                                            __m256i mask, int full) {
    const __m256 one = SPLAT(1.0f);
    const __m256 vr = load_lanes(r, mask, full), vz = load_lanes(z, mask, full), vn = load_lanes(n, mask, full);
    const __m256 dh = _mm256_add_ps(load_lanes(d_output, mask, full), load_lanes(dh_next, mask, full));
    const __m256 dn = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(one, vz)), _mm256_fnmadd_ps(vn, vn, one));
    const __m256 dz = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(load_lanes(h_prev, mask, full), vn)),
                                    _mm256_mul_ps(vz, _mm256_sub_ps(one, vz)));
    const __m256 dr = _mm256_mul_ps(_mm256_mul_ps(dn, load_lanes(gh_n, mask, full)), _mm256_mul_ps(vr, _mm256_sub_ps(one, vr)));
    store_lanes(dgi_r, dr, mask, full);
    store_lanes(dgh_r, dr, mask, full);
    store_lanes(dgi_z, dz, mask, full);
    store_lanes(dgh_z, dz, mask, full);
    store_lanes(dgi_n, dn, mask, full);
    store_lanes(dgh_n, _mm256_mul_ps(dn, vr), mask, full);
    store_lanes(dh_next, _mm256_mul_ps(dh, vz), mask, full);
}

RK_TARGET_AVX2 void rk_gru_backward_avx2(const float *r, const float *z, const float *n, const float *gh_n, const float *h_prev,
                                         const float *d_output, float *dh_next, float *dgi_r, float *dgi_z, float *dgi_n,
                                         float *dgh_r, float *dgh_z, float *dgh_n, long count) {
    const __m256i all = _mm256_set1_epi32(-1);
    long j = 0;
    for (; j + 8 <= count; j += 8)
        gru_backward8(r + j, z + j, n + j, gh_n + j, h_prev + j, d_output + j, dh_next + j, dgi_r + j, dgi_z + j, dgi_n + j,
                      dgh_r + j, dgh_z + j, dgh_n + j, all, 1);
    if (j < count)
        gru_backward8(r + j, z + j, n + j, gh_n + j, h_prev + j, d_output + j, dh_next + j, dgi_r + j, dgi_z + j, dgi_n + j,
                      dgh_r + j, dgh_z + j, dgh_n + j, tail_mask(count - j), 0);
}

const rk_vmath_kernels rk_vmath_avx2 = {
    exp_avx2, tanh_avx2, sigmoid_avx2, log_avx2, max_avx2, exp_sum_avx2, rk_lstm_forward_avx2, rk_lstm_backward_avx2,
    rk_gru_forward_avx2, rk_gru_backward_avx2, rk_adam_update_avx2,
};

#endif
