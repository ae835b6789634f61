// The word2vec kernels with AVX2 + FMA: dot products and y += alpha x eight lanes at a time.
#include "word2vec_internal.h"

#if RK_X86
#include <immintrin.h>

RK_TARGET_AVX2 static inline float dot_avx2(const float *a, const float *b, long n) {
    __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
    long j = 0;
    for (; j + 16 <= n; j += 16) {
        sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), sum0);
        sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), sum1);
    }
    if (j + 8 <= n) {
        sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), sum0);
        j += 8;
    }
    const __m256 sum = _mm256_add_ps(sum0, sum1);
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_movehdup_ps(half));
    float result = _mm_cvtss_f32(half);
    for (; j < n; j++) result += a[j] * b[j];
    return result;
}

RK_TARGET_AVX2 static inline void axpy_avx2(float alpha, const float *x, float *y, long n) {
    const __m256 scale = _mm256_set1_ps(alpha);
    long j = 0;
    for (; j + 8 <= n; j += 8) _mm256_storeu_ps(y + j, _mm256_fmadd_ps(scale, _mm256_loadu_ps(x + j), _mm256_loadu_ps(y + j)));
    for (; j < n; j++) y[j] += alpha * x[j];
}

#define W2V_SUFFIX avx2
#define W2V_TARGET RK_TARGET_AVX2
#define W2V_DOT dot_avx2
#define W2V_AXPY axpy_avx2
#include "word2vec_template.h"
#endif
