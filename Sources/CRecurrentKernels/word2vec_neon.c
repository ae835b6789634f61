// The word2vec kernels with NEON: four lanes, the last n % 4 elements one by one.
#include "word2vec_internal.h"

#if RK_ARM64
#include <arm_neon.h>

static inline float dot_neon(const float *a, const float *b, long n) {
    float32x4_t sum0 = vdupq_n_f32(0), sum1 = vdupq_n_f32(0);
    long j = 0;
    for (; j + 8 <= n; j += 8) {
        sum0 = vfmaq_f32(sum0, vld1q_f32(a + j), vld1q_f32(b + j));
        sum1 = vfmaq_f32(sum1, vld1q_f32(a + j + 4), vld1q_f32(b + j + 4));
    }
    if (j + 4 <= n) {
        sum0 = vfmaq_f32(sum0, vld1q_f32(a + j), vld1q_f32(b + j));
        j += 4;
    }
    float result = vaddvq_f32(vaddq_f32(sum0, sum1));
    for (; j < n; j++) result += a[j] * b[j];
    return result;
}

static inline void axpy_neon(float alpha, const float *x, float *y, long n) {
    long j = 0;
    for (; j + 4 <= n; j += 4) vst1q_f32(y + j, vfmaq_n_f32(vld1q_f32(y + j), vld1q_f32(x + j), alpha));
    for (; j < n; j++) y[j] += alpha * x[j];
}

#define W2V_SUFFIX neon
#define W2V_TARGET
#define W2V_DOT dot_neon
#define W2V_AXPY axpy_neon
#include "word2vec_template.h"
#endif
