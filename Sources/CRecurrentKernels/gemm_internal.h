// The GEMM driver's view of one instruction set's kernels.
#ifndef RK_GEMM_INTERNAL_H
#define RK_GEMM_INTERNAL_H

#include "internal.h"

/// Computes one MR x NR tile of C from packed panels:
///   C[0..<m, 0..<n] = alpha * sum_p a[p*MR + i] * b[p*NR + j] + beta * C   (beta == 0: C not read)
/// `a` is an MR-row panel of packed A (kc x MR, zero-padded rows), `b` an NR-column panel of
/// packed B (kc x NR, zero-padded columns). Neither needs any particular alignment. m <= MR and n <= NR give the valid part of the tile.
typedef void (*rk_microkernel)(long kc, const float *a, const float *b, float *c, long ldc,
                               float alpha, float beta, int m, int n);

/// C[0..<m, 0..<n] = alpha * op(A)[0..<m, :] * B[:, 0..<n] + beta * C for small m (<= 4),
/// reading B unpacked: B is K x N with row stride ldb when trans_b == 0, else N x K.
/// `a` holds the m rows of op(A) contiguously (m x k). With trans_b, `backwards` sweeps B's rows
/// from last to first (the results are the same; see small_m_task for why the order matters).
typedef void (*rk_small_m_kernel)(int trans_b, int backwards, long m, long n, long k, float alpha, const float *a,
                                  const float *b, long ldb, float beta, float *c, long ldc);

/// c[i, j] += Σ_p a[i·k + p] · B[j, p] for i < m, j < n, with B's rows in the dot-product
/// layout from the group at `packed` on (see rk_dots_packed_accumulate).
typedef void (*rk_dots_kernel)(int backwards, long m, long n, long k, const float *a, const float *packed, float *c,
                               long ldc);

typedef struct {
    int mr, nr;
    rk_microkernel kernel;
    rk_small_m_kernel small_m;
    rk_dots_kernel dots;
} rk_gemm_kernels;

/// Cache blocking: a KC-deep slice of A's micro-panel stays in L1 while the NC-wide block of
/// packed B (KC x NC floats) streams from L2.
enum { RK_GEMM_KC = 256, RK_GEMM_MC = 2048, RK_GEMM_SMALL_M = 4 };

extern const rk_gemm_kernels rk_gemm_generic;
#if RK_X86
extern const rk_gemm_kernels rk_gemm_avx2;
extern const rk_gemm_kernels rk_gemm_avx512;
#endif
#if RK_ARM64
extern const rk_gemm_kernels rk_gemm_neon;
#endif

/// The dot-product layout's kernels: portable C, and AVX2 (which the AVX-512 table uses too:
/// the layout's tiles are eight floats wide).
void rk_dots_generic(int backwards, long m, long n, long k, const float *a, const float *packed, float *c, long ldc);
#if RK_X86
void rk_dots_avx2(int backwards, long m, long n, long k, const float *a, const float *packed, float *c, long ldc);
#endif

/// Generic small-m kernel (portable C), shared by instruction sets without their own.
void rk_small_m_generic(int trans_b, int backwards, long m, long n, long k, float alpha, const float *a,
                        const float *b, long ldb, float beta, float *c, long ldc);

#endif
