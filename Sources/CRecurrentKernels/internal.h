// Declarations shared between the kernel files; not part of the public API.
#ifndef RK_INTERNAL_H
#define RK_INTERNAL_H

#include "CRecurrentKernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#define RK_X86 1
#define RK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define RK_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
#define RK_ARM64 1
#endif

#define RK_INLINE static inline __attribute__((always_inline))

/// A hint to the core inside a spin-wait loop.
#if defined(RK_X86)
#include <immintrin.h>
#define RK_PAUSE() _mm_pause()
#elif defined(RK_ARM64)
#define RK_PAUSE() __asm__ volatile("yield")
#else
#define RK_PAUSE() ((void)0)
#endif

/// The active instruction set, read by every dispatching kernel (set once by rk_isa_active()).
extern rk_isa rk_active_isa_value;
/// This thread's instruction set when one is chosen for it (rk_isa_set_thread), else -1. The
/// thread pool hands a region's caller's value to the workers that run its tasks.
extern _Thread_local int rk_thread_isa_value;
static inline rk_isa rk_isa_current(void) {
    if (rk_thread_isa_value >= 0) return (rk_isa)rk_thread_isa_value;
    return (int)rk_active_isa_value >= 0 ? rk_active_isa_value : rk_isa_active();
}

/// 1 on a thread running a task of a parallel region (whose own parallel calls run serially
/// on it), else 0.
int rk_in_parallel_region(void);

/// 64-byte aligned allocation (free with rk_free_aligned). Returns NULL on failure.
void *rk_alloc_aligned(size_t bytes);
void rk_free_aligned(void *pointer);

/// The number of online CPUs (at least 1), read once.
long rk_cpu_count(void);

/// c[0..<m, 0..<n] += a · bᵀ, single-threaded, for `a` m x k (contiguous rows) and b n x k
/// (row stride ldb): the dot-product kernel of small-m GEMM, sweeping b's rows from the last when
/// `backwards` (same results in either order).
void rk_small_m_dots_accumulate(long m, long n, long k, const float *a, const float *b, long ldb, float *c, long ldc,
                                int backwards);

/// c[i, j] += Σ_p a[i·k + p] · B[j, p] for i < m and j < n, single-threaded, with B's rows in the
/// dot-product layout (rk_dots_pack): `packed` is the first of the groups of 8 rows that hold
/// them. `backwards` visits the groups from the last (same results in either order).
void rk_dots_packed_accumulate(long m, long n, long k, const float *a, const float *packed, float *c, long ldc,
                               int backwards);

/// The cells' elementwise steps on n units, as rk_lstm_cell_forward_isa and its siblings in
/// CRecurrentKernels.h describe them (without the instruction set argument). Each instruction set
/// provides one of each; the functions named here dispatch to the active one.
typedef void rk_lstm_forward_fn(float *i, float *f, float *g, float *o, const float *c_prev, float *c, float *h, long n);
typedef void rk_lstm_backward_fn(const float *i, const float *f, const float *g, const float *o, const float *c,
                                 const float *c_prev, const float *d_output, float *dh_next, float *dc, float *di, float *df,
                                 float *dg, float *d_o, long n);
typedef void rk_gru_forward_fn(float *r, float *z, float *n, const float *gh_r, const float *gh_z, const float *gh_n,
                               const float *h_prev, float *h, long count);
typedef void rk_gru_backward_fn(const float *r, const float *z, const float *n, const float *gh_n, const float *h_prev,
                                const float *d_output, float *dh_next, float *dgi_r, float *dgi_z, float *dgi_n, float *dgh_r,
                                float *dgh_z, float *dgh_n, long count);

/// Adam's update (rk_adam_update in CRecurrentKernels.h, without the instruction set argument).
typedef void rk_adam_update_fn(long count, float *parameter, const float *gradient, float *exp_avg, float *exp_avg_sq,
                               float *max_exp_avg_sq, const rk_adam_step *step);

rk_lstm_forward_fn rk_lstm_cell_forward;
rk_lstm_backward_fn rk_lstm_cell_backward;
rk_gru_forward_fn rk_gru_cell_forward;
rk_gru_backward_fn rk_gru_cell_backward;

#endif
