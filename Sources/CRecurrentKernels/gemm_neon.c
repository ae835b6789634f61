// NEON GEMM micro-kernel for arm64: 8 x 12 (24 q-register accumulators).
#include "gemm_internal.h"

#if RK_ARM64
#include <arm_neon.h>

enum { MR = 8, NR = 12 };

RK_INLINE void tile(const int rows, long kc, const float *a, const float *b, float *c, long ldc, float alpha,
                    float beta, int n) {
    float32x4_t acc[MR][3];
    for (int i = 0; i < rows; i++) acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0);
    for (long p = 0; p < kc; p++) {
        float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
        for (int i = 0; i < rows; i++) {
            float32x4_t a_i = vdupq_n_f32(a[i]);
            acc[i][0] = vfmaq_f32(acc[i][0], a_i, b0);
            acc[i][1] = vfmaq_f32(acc[i][1], a_i, b1);
            acc[i][2] = vfmaq_f32(acc[i][2], a_i, b2);
        }
        a += MR;
        b += NR;
    }
    for (int i = 0; i < rows; i++) {
        float values[NR];
        for (int v = 0; v < 3; v++) vst1q_f32(values + 4 * v, vmulq_n_f32(acc[i][v], alpha));
        float *row = c + i * ldc;
        if (n == NR && beta == 0) {
            for (int v = 0; v < 3; v++) vst1q_f32(row + 4 * v, vld1q_f32(values + 4 * v));
        } else {
            for (int j = 0; j < n; j++) row[j] = beta == 0 ? values[j] : values[j] + beta * row[j];
        }
    }
}

static void kernel(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta, int m,
                   int n) {
    switch (m) {
    case 8: tile(8, kc, a, b, c, ldc, alpha, beta, n); break;
    case 7: tile(7, kc, a, b, c, ldc, alpha, beta, n); break;
    case 6: tile(6, kc, a, b, c, ldc, alpha, beta, n); break;
    case 5: tile(5, kc, a, b, c, ldc, alpha, beta, n); break;
    case 4: tile(4, kc, a, b, c, ldc, alpha, beta, n); break;
    case 3: tile(3, kc, a, b, c, ldc, alpha, beta, n); break;
    case 2: tile(2, kc, a, b, c, ldc, alpha, beta, n); break;
    case 1: tile(1, kc, a, b, c, ldc, alpha, beta, n); break;
    default: break;
    }
}

const rk_gemm_kernels rk_gemm_neon = {MR, NR, kernel, rk_small_m_generic, rk_dots_generic};
#endif
