// AVX2 + FMA optimizer kernels: rk_adam_update_generic eight lanes at a time, operation for
// operation, so both give the same bits; the last count % 8 elements go through the generic one.
#include "vmath_internal.h"

#if RK_X86
#include <immintrin.h>
#include <math.h>

#define SPLAT _mm256_set1_ps

/// lerp(start, end, weight) for a weight shared by every lane (see optimizers.c).
RK_TARGET_AVX2 static inline __m256 lerp8(__m256 start, __m256 end, float weight) {
    const __m256 difference = _mm256_sub_ps(end, start);
    return fabsf(weight) < 0.5f ? _mm256_fmadd_ps(SPLAT(weight), difference, start)
                                : _mm256_fmadd_ps(SPLAT(weight - 1), difference, end);
}

RK_TARGET_AVX2 void rk_adam_update_avx2(long count, float *parameter, const float *gradient, float *exp_avg,
                                        float *exp_avg_sq, float *max_exp_avg_sq, const rk_adam_step *step) {
    const rk_adam_step c = *step;
    const __m256 sign_bit = SPLAT(-0.0f);
    long j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256 p = _mm256_loadu_ps(parameter + j), direction = _mm256_loadu_ps(gradient + j);
        if (c.decoupled) p = _mm256_mul_ps(p, SPLAT(c.decay_factor));
        if (c.l2) direction = _mm256_fmadd_ps(p, SPLAT(c.weight_decay), direction);
        const __m256 m = lerp8(_mm256_loadu_ps(exp_avg + j), direction, c.one_minus_beta1);
        _mm256_storeu_ps(exp_avg + j, m);
        const __m256 v = _mm256_fmadd_ps(_mm256_mul_ps(SPLAT(c.one_minus_beta2), direction), direction,
                                         _mm256_mul_ps(_mm256_loadu_ps(exp_avg_sq + j), SPLAT(c.beta2)));
        _mm256_storeu_ps(exp_avg_sq + j, v);
        __m256 second_moment = v;
        if (c.amsgrad) {
            // vmaxps gives its second operand when either is NaN: a NaN in `old` is put back.
            const __m256 old = _mm256_loadu_ps(max_exp_avg_sq + j);
            second_moment = _mm256_blendv_ps(_mm256_max_ps(old, v), old, _mm256_cmp_ps(old, old, _CMP_UNORD_Q));
            _mm256_storeu_ps(max_exp_avg_sq + j, second_moment);
        }
        const __m256 denominator = _mm256_add_ps(
            _mm256_div_ps(_mm256_sqrt_ps(_mm256_andnot_ps(sign_bit, second_moment)), SPLAT(c.bias_correction2_root)),
            SPLAT(c.epsilon));
        p = _mm256_add_ps(p, _mm256_div_ps(_mm256_mul_ps(SPLAT(c.negative_step_size), m), denominator));
        _mm256_storeu_ps(parameter + j, p);
    }
    if (j < count)
        rk_adam_update_generic(count - j, parameter + j, gradient + j, exp_avg + j, exp_avg_sq + j,
                               max_exp_avg_sq ? max_exp_avg_sq + j : NULL, step);
}
#endif
