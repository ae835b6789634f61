// The word2vec kernels with AVX-512: sixteen lanes, the last n % 16 through masked loads.
#include "word2vec_internal.h"

#if RK_X86
#include <immintrin.h>

RK_TARGET_AVX512 static inline float dot_avx512(const float *a, const float *b, long n) {
    __m512 sum0 = _mm512_setzero_ps(), sum1 = _mm512_setzero_ps();
    long j = 0;
    for (; j + 32 <= n; j += 32) {
        sum0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j), sum0);
        sum1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j + 16), _mm512_loadu_ps(b + j + 16), sum1);
    }
    if (j + 16 <= n) {
        sum0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j), sum0);
        j += 16;
    }
    if (j < n) {
        const __mmask16 mask = (__mmask16)((1u << (n - j)) - 1);
        sum1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, a + j), _mm512_maskz_loadu_ps(mask, b + j), sum1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(sum0, sum1));
}

RK_TARGET_AVX512 static inline void axpy_avx512(float alpha, const float *x, float *y, long n) {
    const __m512 scale = _mm512_set1_ps(alpha);
    long j = 0;
    for (; j + 16 <= n; j += 16) _mm512_storeu_ps(y + j, _mm512_fmadd_ps(scale, _mm512_loadu_ps(x + j), _mm512_loadu_ps(y + j)));
    if (j < n) {
        const __mmask16 mask = (__mmask16)((1u << (n - j)) - 1);
        _mm512_mask_storeu_ps(y + j, mask, _mm512_fmadd_ps(scale, _mm512_maskz_loadu_ps(mask, x + j), _mm512_maskz_loadu_ps(mask, y + j)));
    }
}

#define W2V_SUFFIX avx512
#define W2V_TARGET RK_TARGET_AVX512
#define W2V_DOT dot_avx512
#define W2V_AXPY axpy_avx512
#include "word2vec_template.h"
#endif
