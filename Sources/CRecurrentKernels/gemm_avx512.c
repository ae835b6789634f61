// AVX-512 GEMM kernels: an 8 x 48 micro-kernel (24 zmm accumulators) and small-m streaming.
#include "gemm_internal.h"

#if RK_X86
#include <immintrin.h>

enum { MR = 8, NR = 48 };

/// The micro-kernel body for a compile-time number of rows, so the accumulator array
/// unrolls into registers.
RK_TARGET_AVX512 RK_INLINE void tile(const int rows, long kc, const float *a, const float *b, float *c,
                                     long ldc, float alpha, float beta, int n) {
    __m512 acc[MR][3];
    for (int i = 0; i < rows; i++) acc[i][0] = acc[i][1] = acc[i][2] = _mm512_setzero_ps();
    for (long p = 0; p < kc; p++) {
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32);
        for (int i = 0; i < rows; i++) {
            __m512 a_i = _mm512_set1_ps(a[i]);
            acc[i][0] = _mm512_fmadd_ps(a_i, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(a_i, b1, acc[i][1]);
            acc[i][2] = _mm512_fmadd_ps(a_i, b2, acc[i][2]);
        }
        a += MR;
        b += NR;
    }
    __m512 alpha_v = _mm512_set1_ps(alpha), beta_v = _mm512_set1_ps(beta);
    __mmask16 masks[3];
    for (int v = 0; v < 3; v++) {
        int width = n - 16 * v;
        masks[v] = width >= 16 ? (__mmask16)0xFFFF : width <= 0 ? 0 : (__mmask16)((1u << width) - 1);
    }
    for (int i = 0; i < rows; i++) {
        float *row = c + i * ldc;
        for (int v = 0; v < 3; v++) {
            __m512 result = _mm512_mul_ps(alpha_v, acc[i][v]);
            if (beta != 0) result = _mm512_fmadd_ps(beta_v, _mm512_maskz_loadu_ps(masks[v], row + 16 * v), result);
            _mm512_mask_storeu_ps(row + 16 * v, masks[v], result);
        }
    }
}

RK_TARGET_AVX512 static void kernel(long kc, const float *a, const float *b, float *c, long ldc, float alpha,
                                    float beta, int m, int n) {
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

RK_TARGET_AVX512 RK_INLINE __mmask16 tail_mask(long width) {
    return width >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << width) - 1);
}

/// C (m rows) over columns [0, n) with B unpacked, K x N (row stride ldb): for each chunk
/// of 128 columns, accumulate a[i, p] * B[p, chunk] over all p in registers.
RK_TARGET_AVX512 RK_INLINE void small_m_rows(const int rows, long n, long k, float alpha, const float *a,
                                             const float *b, long ldb, float beta, float *c, long ldc) {
    enum { VECTORS = 8, CHUNK = 16 * VECTORS };
    for (long j0 = 0; j0 < n; j0 += CHUNK) {
        long width = n - j0 < CHUNK ? n - j0 : CHUNK;
        int vectors = (int)((width + 15) / 16);
        __m512 acc[4][VECTORS];
        for (int i = 0; i < rows; i++)
            for (int v = 0; v < VECTORS; v++) acc[i][v] = _mm512_setzero_ps();
        if (vectors == VECTORS) {
            for (long p = 0; p < k; p++) {
                const float *b_row = b + p * ldb + j0;
                for (int v = 0; v < VECTORS; v++) {
                    __m512 b_v = _mm512_loadu_ps(b_row + 16 * v);
                    for (int i = 0; i < rows; i++)
                        acc[i][v] = _mm512_fmadd_ps(_mm512_set1_ps(a[i * k + p]), b_v, acc[i][v]);
                }
            }
        } else {
            for (long p = 0; p < k; p++) {
                const float *b_row = b + p * ldb + j0;
                for (int v = 0; v < vectors; v++) {
                    __m512 b_v = _mm512_maskz_loadu_ps(tail_mask(width - 16 * v), b_row + 16 * v);
                    for (int i = 0; i < rows; i++)
                        acc[i][v] = _mm512_fmadd_ps(_mm512_set1_ps(a[i * k + p]), b_v, acc[i][v]);
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            float *row = c + i * ldc + j0;
            for (int v = 0; v < vectors; v++) {
                __mmask16 mask = tail_mask(width - 16 * v);
                __m512 result = _mm512_mul_ps(_mm512_set1_ps(alpha), acc[i][v]);
                if (beta != 0)
                    result = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(mask, row + 16 * v), result);
                _mm512_mask_storeu_ps(row + 16 * v, mask, result);
            }
        }
    }
}

/// A few rows times B (16-lane rows of B), or times Bᵀ with AVX2's dot products: those sum each
/// dot product in eight lanes, in the order every instruction set's dot-product kernels share
/// (see dot_in_eight_lanes in gemm.c), so the in-place and laid-out recurrent products agree bit
/// for bit here too; sixteen lanes would sum in another order.
RK_TARGET_AVX512 static void small_m(int trans_b, int backwards, long m, long n, long k, float alpha, const float *a,
                                     const float *b, long ldb, float beta, float *c, long ldc) {
    if (trans_b && m <= 4) {
        rk_gemm_avx2.small_m(trans_b, backwards, m, n, k, alpha, a, b, ldb, beta, c, ldc);
        return;
    }
    switch (m) {
#define RK_ROWS(R)                                                                                   \
    case R:                                                                                          \
        small_m_rows(R, n, k, alpha, a, b, ldb, beta, c, ldc);                                       \
        break;
        RK_ROWS(1) RK_ROWS(2) RK_ROWS(3) RK_ROWS(4)
#undef RK_ROWS
    default: rk_small_m_generic(trans_b, backwards, m, n, k, alpha, a, b, ldb, beta, c, ldc); break;
    }
}

const rk_gemm_kernels rk_gemm_avx512 = {MR, NR, kernel, small_m, rk_dots_avx2};
#endif
