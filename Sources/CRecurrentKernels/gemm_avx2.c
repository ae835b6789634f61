// AVX2 + FMA GEMM kernels: a 4 x 24 micro-kernel (12 ymm accumulators) and small-m streaming.
#include "gemm_internal.h"

#if RK_X86
#include <immintrin.h>
#include <string.h>

enum { MR = 4, NR = 24 };

RK_TARGET_AVX2 RK_INLINE __m256i tail_mask(long width) {
    const int32_t indices[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    long clamped = width < 0 ? 0 : width > 8 ? 8 : width;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)clamped), _mm256_loadu_si256((const __m256i *)indices));
}

/// One k of the 4 x 24 tile, as assembly text: B's three vectors at byte offsets b0..b2 of `b`,
/// A's four values at byte offsets a0..a3 of `a`, into the 12 accumulators ymm4-ymm15.
#define RK_4X24_K(b0, b1, b2, a0, a1, a2, a3)                                                       \
    "vmovups " #b0 "(%[b]), %%ymm0\n\t"                                                           \
    "vmovups " #b1 "(%[b]), %%ymm1\n\t"                                                           \
    "vmovups " #b2 "(%[b]), %%ymm2\n\t"                                                           \
    "vbroadcastss " #a0 "(%[a]), %%ymm3\n\t"                                                      \
    "vfmadd231ps %%ymm0, %%ymm3, %%ymm4\n\t"                                                      \
    "vfmadd231ps %%ymm1, %%ymm3, %%ymm5\n\t"                                                      \
    "vfmadd231ps %%ymm2, %%ymm3, %%ymm6\n\t"                                                      \
    "vbroadcastss " #a1 "(%[a]), %%ymm3\n\t"                                                      \
    "vfmadd231ps %%ymm0, %%ymm3, %%ymm7\n\t"                                                      \
    "vfmadd231ps %%ymm1, %%ymm3, %%ymm8\n\t"                                                      \
    "vfmadd231ps %%ymm2, %%ymm3, %%ymm9\n\t"                                                      \
    "vbroadcastss " #a2 "(%[a]), %%ymm3\n\t"                                                      \
    "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"                                                     \
    "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"                                                     \
    "vfmadd231ps %%ymm2, %%ymm3, %%ymm12\n\t"                                                     \
    "vbroadcastss " #a3 "(%[a]), %%ymm3\n\t"                                                      \
    "vfmadd231ps %%ymm0, %%ymm3, %%ymm13\n\t"                                                     \
    "vfmadd231ps %%ymm1, %%ymm3, %%ymm14\n\t"                                                     \
    "vfmadd231ps %%ymm2, %%ymm3, %%ymm15\n\t"

/// The k loop of the 4 x 24 tile, in assembly: written with intrinsics, clang runs out of the
/// 16 ymm registers this tile needs (12 accumulators, 3 B vectors, 1 broadcast) and spills an
/// accumulator inside the loop, which halves the kernel's speed. Stores the 12 accumulators,
/// row-major, to `acc` (96 floats, 32-byte aligned). Requires kc >= 1.
static void accumulate_4x24(long kc, const float *a, const float *b, float *acc) {
    __asm__ volatile(
        "vxorps %%ymm4, %%ymm4, %%ymm4\n\t"
        "vxorps %%ymm5, %%ymm5, %%ymm5\n\t"
        "vxorps %%ymm6, %%ymm6, %%ymm6\n\t"
        "vxorps %%ymm7, %%ymm7, %%ymm7\n\t"
        "vxorps %%ymm8, %%ymm8, %%ymm8\n\t"
        "vxorps %%ymm9, %%ymm9, %%ymm9\n\t"
        "vxorps %%ymm10, %%ymm10, %%ymm10\n\t"
        "vxorps %%ymm11, %%ymm11, %%ymm11\n\t"
        "vxorps %%ymm12, %%ymm12, %%ymm12\n\t"
        "vxorps %%ymm13, %%ymm13, %%ymm13\n\t"
        "vxorps %%ymm14, %%ymm14, %%ymm14\n\t"
        "vxorps %%ymm15, %%ymm15, %%ymm15\n\t"
        // An odd k first, then two k per iteration (half the loop overhead).
        "testq $1, %[k]\n\t"
        "jz 2f\n\t"
        RK_4X24_K(0, 32, 64, 0, 4, 8, 12)
        "addq $16, %[a]\n\t"
        "addq $96, %[b]\n\t"
        "decq %[k]\n\t"
        "jz 3f\n\t"
        "2:\n\t"
        RK_4X24_K(0, 32, 64, 0, 4, 8, 12)
        RK_4X24_K(96, 128, 160, 16, 20, 24, 28)
        "addq $32, %[a]\n\t"
        "addq $192, %[b]\n\t"
        "subq $2, %[k]\n\t"
        "jnz 2b\n\t"
        "3:\n\t"
        "vmovaps %%ymm4, (%[acc])\n\t"
        "vmovaps %%ymm5, 32(%[acc])\n\t"
        "vmovaps %%ymm6, 64(%[acc])\n\t"
        "vmovaps %%ymm7, 96(%[acc])\n\t"
        "vmovaps %%ymm8, 128(%[acc])\n\t"
        "vmovaps %%ymm9, 160(%[acc])\n\t"
        "vmovaps %%ymm10, 192(%[acc])\n\t"
        "vmovaps %%ymm11, 224(%[acc])\n\t"
        "vmovaps %%ymm12, 256(%[acc])\n\t"
        "vmovaps %%ymm13, 288(%[acc])\n\t"
        "vmovaps %%ymm14, 320(%[acc])\n\t"
        "vmovaps %%ymm15, 352(%[acc])\n\t"
        "vzeroupper\n\t"
        : [a] "+r"(a), [b] "+r"(b), [k] "+r"(kc)
        : [acc] "r"(acc)
        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
          "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

/// The k loop of a tile at most 8 or 16 columns wide, the last of a C whose width leaves 1-16
/// columns over after whole 24-column tiles (128 = 5 x 24 + 8, 64 = 2 x 24 + 16, as in a recurrent
/// layer's weight and input gradients at H = 128 or 64): the 4 x 24 loop would spend two thirds or
/// one third of its multiply-adds on the panel's zero padding. The first `vectors` vectors of each
/// row of `acc` are written. One vector wide, even and odd k go to separate sums, so that eight
/// independent multiply-adds are in flight (the latency of four times the two FMA pipes).
RK_TARGET_AVX2 RK_INLINE void accumulate_narrow(const int vectors, long kc, const float *a, const float *b, float *acc) {
    __m256 sums[MR][2], odd[MR];
    for (int i = 0; i < MR; i++) sums[i][0] = sums[i][1] = odd[i] = _mm256_setzero_ps();
    long p = 0;
    if (vectors == 1) {
        for (; p + 2 <= kc; p += 2, a += 2 * MR, b += 2 * NR) {
            const __m256 b_even = _mm256_loadu_ps(b), b_odd = _mm256_loadu_ps(b + NR);
            for (int i = 0; i < MR; i++) {
                sums[i][0] = _mm256_fmadd_ps(_mm256_broadcast_ss(a + i), b_even, sums[i][0]);
                odd[i] = _mm256_fmadd_ps(_mm256_broadcast_ss(a + MR + i), b_odd, odd[i]);
            }
        }
    }
    for (; p < kc; p++, a += MR, b += NR) {
        __m256 b_v[2];
        for (int v = 0; v < vectors; v++) b_v[v] = _mm256_loadu_ps(b + 8 * v);
        for (int i = 0; i < MR; i++) {
            const __m256 a_i = _mm256_broadcast_ss(a + i);
            for (int v = 0; v < vectors; v++) sums[i][v] = _mm256_fmadd_ps(a_i, b_v[v], sums[i][v]);
        }
    }
    for (int i = 0; i < MR; i++) {
        if (vectors == 1) sums[i][0] = _mm256_add_ps(sums[i][0], odd[i]);
        for (int v = 0; v < vectors; v++) _mm256_store_ps(acc + i * NR + 8 * v, sums[i][v]);
    }
}

RK_TARGET_AVX2 static void kernel(long kc, const float *a, const float *b, float *c, long ldc, float alpha,
                                  float beta, int m, int n) {
    float acc[MR * NR] __attribute__((aligned(32)));
    if (n <= 8) accumulate_narrow(1, kc, a, b, acc);
    else if (n <= 16) accumulate_narrow(2, kc, a, b, acc);
    else accumulate_4x24(kc, a, b, acc);
    __m256 alpha_v = _mm256_set1_ps(alpha), beta_v = _mm256_set1_ps(beta);
    for (int i = 0; i < m; i++) {
        float *row = c + i * ldc;
        for (int v = 0; v < 3 && n > 8 * v; v++) {  // a narrow tile's sums end at its width
            __m256 result = _mm256_mul_ps(alpha_v, _mm256_load_ps(acc + i * NR + 8 * v));
            if (n >= 8 * (v + 1)) {
                if (beta != 0) result = _mm256_fmadd_ps(beta_v, _mm256_loadu_ps(row + 8 * v), result);
                _mm256_storeu_ps(row + 8 * v, result);
            } else {
                __m256i mask = tail_mask(n - 8 * v);
                if (beta != 0) result = _mm256_fmadd_ps(beta_v, _mm256_maskload_ps(row + 8 * v, mask), result);
                _mm256_maskstore_ps(row + 8 * v, mask, result);
            }
        }
    }
}

/// C = alpha A B + beta C for 1-4 rows of A, B not transposed, reading B row by row: for a block
/// of columns, the sums of C's rows stay in a stack buffer (16 KB, in L1) while B's rows stream
/// through it four at a time, each read contiguously, so the hardware prefetcher runs along a
/// row instead of restarting at every row of a column strip (1.5x faster at 4x512x2048). The
/// block is as wide as the buffer allows: 4096 columns for one row of A, 1024 for four.
RK_TARGET_AVX2 RK_INLINE void small_m_rows(const int rows, long n, long k, float alpha, const float *a,
                                           const float *b, long ldb, float beta, float *c, long ldc) {
    enum { BUFFER = 4096 };
    const long block = BUFFER / rows / 8 * 8;
    float buffer[BUFFER] __attribute__((aligned(32)));
    float *sums[4] = {buffer, buffer + block, buffer + 2 * block, buffer + 3 * block};
    for (long j0 = 0; j0 < n; j0 += block) {
        const long width = n - j0 < block ? n - j0 : block, full = width & ~7L;
        for (int i = 0; i < rows; i++) memset(sums[i], 0, (size_t)width * sizeof(float));
        long p = 0;
        for (; p + 4 <= k; p += 4) {
            const float *b0 = b + p * ldb + j0, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
            for (int i = 0; i < rows; i++) {
                const float *ai = a + i * k + p;
                const __m256 a0 = _mm256_broadcast_ss(ai), a1 = _mm256_broadcast_ss(ai + 1);
                const __m256 a2 = _mm256_broadcast_ss(ai + 2), a3 = _mm256_broadcast_ss(ai + 3);
                float *sum = sums[i];
                for (long j = 0; j < full; j += 8) {
                    __m256 acc = _mm256_load_ps(sum + j);
                    acc = _mm256_fmadd_ps(a0, _mm256_loadu_ps(b0 + j), acc);
                    acc = _mm256_fmadd_ps(a1, _mm256_loadu_ps(b1 + j), acc);
                    acc = _mm256_fmadd_ps(a2, _mm256_loadu_ps(b2 + j), acc);
                    acc = _mm256_fmadd_ps(a3, _mm256_loadu_ps(b3 + j), acc);
                    _mm256_store_ps(sum + j, acc);
                }
                for (long j = full; j < width; j++)
                    sum[j] += ai[0] * b0[j] + ai[1] * b1[j] + ai[2] * b2[j] + ai[3] * b3[j];
            }
        }
        for (; p < k; p++) {
            const float *b0 = b + p * ldb + j0;
            for (int i = 0; i < rows; i++) {
                const float ai = a[i * k + p];
                for (long j = 0; j < width; j++) sums[i][j] += ai * b0[j];
            }
        }
        for (int i = 0; i < rows; i++) {
            float *row = c + i * ldc + j0;
            if (beta == 0) for (long j = 0; j < width; j++) row[j] = alpha * sums[i][j];
            else for (long j = 0; j < width; j++) row[j] = alpha * sums[i][j] + beta * row[j];
        }
    }
}

/// The sum of a vector's lanes as ((0+1) + (2+3)) + ((4+5) + (6+7)), the order of horizontal_sums4
/// and horizontal_sums8 (and of every dot-product kernel; see dot_in_eight_lanes in gemm.c).
RK_TARGET_AVX2 RK_INLINE float horizontal_sum(__m256 v) {
    const __m256 pairs = _mm256_hadd_ps(v, v), quads = _mm256_hadd_ps(pairs, pairs);
    return _mm_cvtss_f32(_mm_add_ss(_mm256_castps256_ps128(quads), _mm256_extractf128_ps(quads, 1)));
}

/// The sums of four vectors' lanes, as one 4-vector (three horizontal adds and one add).
RK_TARGET_AVX2 RK_INLINE __m128 horizontal_sums4(__m256 v0, __m256 v1, __m256 v2, __m256 v3) {
    const __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(v0, v1), _mm256_hadd_ps(v2, v3));
    return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}

/// The sums of eight vectors' lanes, as one 8-vector.
RK_TARGET_AVX2 RK_INLINE __m256 horizontal_sums8(const __m256 *v) {
    const __m256 t0 = _mm256_hadd_ps(_mm256_hadd_ps(v[0], v[1]), _mm256_hadd_ps(v[2], v[3]));
    const __m256 t1 = _mm256_hadd_ps(_mm256_hadd_ps(v[4], v[5]), _mm256_hadd_ps(v[6], v[7]));
    return _mm256_add_ps(_mm256_permute2f128_ps(t0, t1, 0x20), _mm256_permute2f128_ps(t0, t1, 0x31));
}

/// C (m rows) over columns [0, n) with B stored N x K: a group of dot products at a time, eight
/// for one row of A (eight independent FMA chains hide the FMA latency) and four for two to four
/// rows. `backwards` visits the groups from the last.
RK_TARGET_AVX2 RK_INLINE void small_m_dots(const int rows, const int backwards, long n, long k, float alpha, const float *a,
                                           const float *b, long ldb, float beta, float *c, long ldc) {
    enum { MAX_DOTS = 8 };
    const int DOTS = rows == 1 ? 8 : 4;
    const long groups = (n + DOTS - 1) / DOTS;
    for (long group = 0; group < groups; group++) {
        const long j0 = (backwards ? groups - 1 - group : group) * DOTS;
        int dots = n - j0 < DOTS ? (int)(n - j0) : DOTS;
        __m256 acc[4][MAX_DOTS];
        for (int i = 0; i < rows; i++)
            for (int d = 0; d < DOTS; d++) acc[i][d] = _mm256_setzero_ps();
        long p = 0;
        if (dots == DOTS) {
            // Full vectors without masks (masked loads are slow on some CPUs).
            const float *b0 = b + j0 * ldb;
            for (; p + 8 <= k; p += 8) {
                if (rows == 1) {
                    const __m256 a_v = _mm256_loadu_ps(a + p);
                    for (int d = 0; d < 8; d++)
                        acc[0][d] = _mm256_fmadd_ps(a_v, _mm256_loadu_ps(b0 + d * ldb + p), acc[0][d]);
                } else {
                    __m256 v[4];
                    for (int d = 0; d < 4; d++) v[d] = _mm256_loadu_ps(b0 + d * ldb + p);
                    for (int i = 0; i < rows; i++) {
                        const __m256 a_v = _mm256_loadu_ps(a + i * k + p);
                        for (int d = 0; d < 4; d++) acc[i][d] = _mm256_fmadd_ps(a_v, v[d], acc[i][d]);
                    }
                }
            }
        }
        for (; p < k; p += 8) {
            __m256i mask = tail_mask(k - p);
            __m256 a_v[4];
            for (int i = 0; i < rows; i++) a_v[i] = _mm256_maskload_ps(a + i * k + p, mask);
            for (int d = 0; d < dots; d++) {
                __m256 b_v = _mm256_maskload_ps(b + (j0 + d) * ldb + p, mask);
                for (int i = 0; i < rows; i++) acc[i][d] = _mm256_fmadd_ps(a_v[i], b_v, acc[i][d]);
            }
        }
        if (dots == DOTS) {
            for (int i = 0; i < rows; i++) {
                float *out = c + i * ldc + j0;
                if (DOTS == 8) {
                    __m256 sum = _mm256_mul_ps(_mm256_set1_ps(alpha), horizontal_sums8(acc[i]));
                    if (beta != 0) sum = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(out), sum);
                    _mm256_storeu_ps(out, sum);
                } else {
                    __m128 sum = _mm_mul_ps(_mm_set1_ps(alpha), horizontal_sums4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]));
                    if (beta != 0) sum = _mm_fmadd_ps(_mm_set1_ps(beta), _mm_loadu_ps(out), sum);
                    _mm_storeu_ps(out, sum);
                }
            }
            continue;
        }
        for (int i = 0; i < rows; i++)
            for (int d = 0; d < dots; d++) {
                float sum = horizontal_sum(acc[i][d]);
                float *out = c + i * ldc + j0 + d;
                *out = beta == 0 ? alpha * sum : alpha * sum + beta * *out;
            }
    }
}

RK_TARGET_AVX2 static void small_m(int trans_b, int backwards, long m, long n, long k, float alpha, const float *a,
                                   const float *b, long ldb, float beta, float *c, long ldc) {
    switch (m) {
#define RK_ROWS(R)                                                                                   \
    case R:                                                                                          \
        if (trans_b) small_m_dots(R, backwards, n, k, alpha, a, b, ldb, beta, c, ldc);                          \
        else small_m_rows(R, n, k, alpha, a, b, ldb, beta, c, ldc);                                  \
        break;
        RK_ROWS(1) RK_ROWS(2) RK_ROWS(3) RK_ROWS(4)
#undef RK_ROWS
    default: rk_small_m_generic(trans_b, backwards, m, n, k, alpha, a, b, ldb, beta, c, ldc); break;
    }
}

/// The dot-product layout's kernel: for each group of 8 rows of B and each row of A, eight dot
/// products in eight accumulators (lane l of accumulator r sums the products at p ≡ l mod 8, the
/// same order as small_m_dots for one row), their tiles read front to back. A group is read once
/// per row of A, from L1 after the first (8 KB at k = 256).
RK_TARGET_AVX2 void rk_dots_avx2(int backwards, long m, long n, long k, const float *a, const float *packed, float *c,
                                 long ldc) {
    const long groups = (n + 7) / 8, tiles = (k + 7) / 8, full_tiles = k / 8;
    const __m256i tail = tail_mask(k - full_tiles * 8);
    for (long step = 0; step < groups; step++) {
        const long g = backwards ? groups - 1 - step : step;
        const long valid = n - 8 * g < 8 ? n - 8 * g : 8;
        for (long i = 0; i < m; i++) {
            const float *a_row = a + i * k, *tile = packed + g * tiles * 64;
            __m256 acc[8];
            for (int r = 0; r < 8; r++) acc[r] = _mm256_setzero_ps();
            for (long q = 0; q < full_tiles; q++, tile += 64) {
                const __m256 a_v = _mm256_loadu_ps(a_row + 8 * q);
                for (int r = 0; r < 8; r++) acc[r] = _mm256_fmadd_ps(a_v, _mm256_loadu_ps(tile + 8 * r), acc[r]);
            }
            if (full_tiles < tiles) {
                const __m256 a_v = _mm256_maskload_ps(a_row + 8 * full_tiles, tail);
                for (int r = 0; r < 8; r++) acc[r] = _mm256_fmadd_ps(a_v, _mm256_loadu_ps(tile + 8 * r), acc[r]);
            }
            const __m256 sums = horizontal_sums8(acc);
            float *out = c + i * ldc + 8 * g;
            if (valid == 8) {
                _mm256_storeu_ps(out, _mm256_add_ps(_mm256_loadu_ps(out), sums));
            } else {
                float lanes[8];
                _mm256_storeu_ps(lanes, sums);
                for (long r = 0; r < valid; r++) out[r] += lanes[r];
            }
        }
    }
}

const rk_gemm_kernels rk_gemm_avx2 = {MR, NR, kernel, small_m, rk_dots_avx2};
#endif
