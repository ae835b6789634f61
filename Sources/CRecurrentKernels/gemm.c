// The GEMM driver: cache blocking, packing, threading and dispatch to a micro-kernel.
//
// For C = alpha * op(A) * op(B) + beta * C (row-major), each thread takes a rectangle of C and
// runs the blocked loop nest below on it, with its own packing buffers:
//
//   for pc in K by KC:                 a KC-deep slice of the product
//     for ic in M by MC:  pack A[ic.., pc..] into MR-row panels (kc x MR each)
//       for jc in N by NC:  pack B[pc.., jc..] into NR-column panels (kc x NR each; ~L2)
//         for ir in MC by MR:          one A panel (kc x MR, ~L1) ...
//           for jr in NC by NR:        ... times each B panel: micro-kernel on an MR x NR tile
//
// B may instead be packed once in advance (rk_sgemm_pack_b), as the recurrent layers do with
// their recurrent weights, which are multiplied once per time step.
#include "gemm_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/// NC: the block of packed B the A panels pass over, from L2. At kc = 256 the AVX2 kernel alone (a C
/// harness, one A panel over B panels of its own) runs at 98.5 GFLOP/s over 192 KB of B and 93.5
/// over 384 KB, which shares the 512 KB L2 with everything else; 192 columns took 1024^3 from 150
/// to 158 GFLOP/s on two threads (medians of 8 alternations) and changed no other shape by more
/// than noise.
enum { RK_GEMM_NC_TARGET = 192, RK_GEMM_FEW_ROWS = 64, RK_GEMM_WIDE_NC = 4096, RK_MIN_PARALLEL_FMAS = 1 << 16 };
/// Few-row products with B not transposed split B's rows among the threads when each gets this many.
enum { RK_GEMM_SPLIT_K_ROWS = 64 };

static const rk_gemm_kernels *kernels_for(rk_isa isa) {
    if (!rk_isa_supported(isa)) isa = RK_ISA_GENERIC;
    switch (isa) {
#if RK_X86
    case RK_ISA_AVX512: return &rk_gemm_avx512;
    case RK_ISA_AVX2: return &rk_gemm_avx2;
#endif
#if RK_ARM64
    case RK_ISA_NEON: return &rk_gemm_neon;
#endif
    default: return &rk_gemm_generic;
    }
}

static long min_long(long x, long y) { return x < y ? x : y; }
static long ceil_div(long x, long y) { return (x + y - 1) / y; }
static long nc_for(int nr) { return (RK_GEMM_NC_TARGET / nr > 0 ? RK_GEMM_NC_TARGET / nr : 1) * nr; }

// MARK: - Per-thread packing buffers

typedef struct {
    float *a, *b, *shared;
    size_t a_count, b_count, shared_count;
} scratch_buffers;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *pointer) {
    scratch_buffers *buffers = pointer;
    rk_free_aligned(buffers->a);
    rk_free_aligned(buffers->b);
    rk_free_aligned(buffers->shared);
    free(buffers);
}

static void make_scratch_key(void) { pthread_key_create(&scratch_key, free_scratch); }

static scratch_buffers *thread_scratch(void) {
    pthread_once(&scratch_once, make_scratch_key);
    scratch_buffers *buffers = pthread_getspecific(scratch_key);
    if (!buffers) {
        buffers = calloc(1, sizeof(scratch_buffers));
        if (!buffers) abort();
        pthread_setspecific(scratch_key, buffers);
    }
    return buffers;
}

static float *reserve(float **buffer, size_t *capacity, size_t count) {
    if (*capacity < count) {
        rk_free_aligned(*buffer);
        *buffer = rk_alloc_aligned(count * sizeof(float));
        if (!*buffer) abort();  // out of memory: nothing sensible to return from a BLAS call
        *capacity = count;
    }
    return *buffer;
}

// MARK: - Packing

// Both operands are packed into panels `width` wide and kc deep: element (p, j) of panel q is
// at dst + q * panel_stride(kc, width) + p * width + j, and stands for op(X)[k0 + p, j0 + q * width + j]
// (for A, whose panels run along M, op(A) is read transposed). Columns past the end are zero.
// Which of the two helpers applies depends only on whether the panel's `width` direction is
// contiguous in memory.

/// The distance between consecutive packed panels: kc·width floats and a 64-byte gap. Without the
/// gap, panels start kc·width floats apart (4 KiB for A's 4-wide panels, 24 KiB for B's 24-wide
/// ones at kc = 256), all in the same cache set, and packing, which writes a little to every panel
/// in turn, stalls on the conflicts: with it, packing A's panels ran 2.5x faster and B's 1.7x
/// (a 512 x 512 operand, measured in isolation).
enum { RK_PANEL_GAP = 16 };
static long panel_stride(long kc, int width) { return kc * width + RK_PANEL_GAP; }

/// Four floats as one vector (clang's vector extension: SSE on x86-64, NEON on arm64, with no
/// instruction-set flags needed), for packing.
typedef float rk_float4 __attribute__((vector_size(16)));

static inline rk_float4 load4(const float *p) {
    rk_float4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

/// Keeps the compiler from turning the zero fill of a last, partial panel (a few floats per row of
/// the operand) into a call to memset: made once per row, those calls were 1.6 % of a training
/// step of a small LSTM (perf, lstm L=2 H=128 B=16 T=32, one thread), more than the copying.
#if defined(__has_attribute)
#if __has_attribute(no_builtin)
#define RK_NO_MEMSET_CALLS __attribute__((no_builtin("memset")))
#endif
#endif
#ifndef RK_NO_MEMSET_CALLS
#define RK_NO_MEMSET_CALLS
#endif

/// Panels whose `width` direction runs along rows of `src`: (p, j) = src[(k0 + p) * ld + j0 + j].
/// Each row of `src` is read once, front to back, and dealt out to the panels: reading panel by
/// panel instead would stride by ld, often a multiple of 4 KiB, and thrash the caches.
RK_NO_MEMSET_CALLS static void pack_along_rows(const float *src, long ld, long k0, long kc, long j0, long count, int width, float *dst) {
    const long full_panels = count / width, tail = count - full_panels * width;
    for (long p = 0; p < kc; p++) {
        const float *row = src + (k0 + p) * ld + j0;
        float *out = dst + p * width;
        for (long panel = 0; panel < full_panels; panel++, row += width, out += panel_stride(kc, width)) {
            int j = 0;
            for (; j + 4 <= width; j += 4) {  // panel widths are multiples of 4: whole vectors
                const rk_float4 v = load4(row + j);
                memcpy(out + j, &v, sizeof v);
            }
            for (; j < width; j++) out[j] = row[j];
        }
        if (tail) {
            for (long j = 0; j < tail; j++) out[j] = row[j];
            for (long j = tail; j < width; j++) out[j] = 0;
        }
    }
}

/// Panels whose `width` direction runs down columns of `src`: (p, j) = src[(j0 + j) * ld + k0 + p].
/// Four rows of `src` are read side by side at a time, so reads stay sequential, and transposed
/// four columns at a time in registers.
RK_NO_MEMSET_CALLS static void pack_along_columns(const float *src, long ld, long k0, long kc, long j0, long count, int width, float *dst) {
    for (long q = 0; q < count; q += width, dst += panel_stride(kc, width)) {
        const long columns = min_long(width, count - q);
        long j = 0;
        for (; j + 4 <= columns; j += 4) {
            const float *r0 = src + (j0 + q + j) * ld + k0, *r1 = r0 + ld, *r2 = r1 + ld, *r3 = r2 + ld;
            long p = 0;
            for (; p + 4 <= kc; p += 4) {
                const rk_float4 a = load4(r0 + p), b = load4(r1 + p), c = load4(r2 + p), d = load4(r3 + p);
                const rk_float4 ab_low = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab_high = __builtin_shufflevector(a, b, 2, 6, 3, 7);
                const rk_float4 cd_low = __builtin_shufflevector(c, d, 0, 4, 1, 5), cd_high = __builtin_shufflevector(c, d, 2, 6, 3, 7);
                const rk_float4 out0 = __builtin_shufflevector(ab_low, cd_low, 0, 1, 4, 5);
                const rk_float4 out1 = __builtin_shufflevector(ab_low, cd_low, 2, 3, 6, 7);
                const rk_float4 out2 = __builtin_shufflevector(ab_high, cd_high, 0, 1, 4, 5);
                const rk_float4 out3 = __builtin_shufflevector(ab_high, cd_high, 2, 3, 6, 7);
                float *out = dst + p * width + j;
                memcpy(out, &out0, sizeof out0);
                memcpy(out + width, &out1, sizeof out1);
                memcpy(out + 2 * width, &out2, sizeof out2);
                memcpy(out + 3 * width, &out3, sizeof out3);
            }
            for (; p < kc; p++) {
                float *out = dst + p * width + j;
                out[0] = r0[p];
                out[1] = r1[p];
                out[2] = r2[p];
                out[3] = r3[p];
            }
        }
        for (; j < columns; j++) {
            const float *r = src + (j0 + q + j) * ld + k0;
            for (long p = 0; p < kc; p++) dst[p * width + j] = r[p];
        }
        for (; j < width; j++)
            for (long p = 0; p < kc; p++) dst[p * width + j] = 0;
    }
}

/// Packs rows [i0, i0+rows) x columns [p0, p0+kc) of op(A) into ceil(rows/mr) panels of kc x mr.
RK_NO_MEMSET_CALLS static void pack_a(int trans_a, const float *a, long lda, long i0, long rows, long p0, long kc, int mr, float *dst) {
    if (trans_a) pack_along_rows(a, lda, p0, kc, i0, rows, mr, dst);     // op(A)[i, p] = a[p * lda + i]
    else pack_along_columns(a, lda, p0, kc, i0, rows, mr, dst);         // op(A)[i, p] = a[i * lda + p]
}

/// Packs rows [p0, p0+kc) x columns [j0, j0+cols) of op(B) into ceil(cols/nr) panels of kc x nr.
RK_NO_MEMSET_CALLS static void pack_b(int trans_b, const float *b, long ldb, long p0, long kc, long j0, long cols, int nr, float *dst) {
    if (trans_b) pack_along_columns(b, ldb, p0, kc, j0, cols, nr, dst);  // op(B)[p, j] = b[j * ldb + p]
    else pack_along_rows(b, ldb, p0, kc, j0, cols, nr, dst);            // op(B)[p, j] = b[p * ldb + j]
}

/// Where the packed K block starting at row `pc` of a whole packed B (`panels` panels per block) begins:
/// every block before it is a full RK_GEMM_KC deep.
static long packed_block_offset(long pc, long panels, int nr) { return pc / RK_GEMM_KC * panels * panel_stride(RK_GEMM_KC, nr); }

size_t rk_sgemm_packed_b_count_isa(rk_isa isa, long k, long n) {
    int nr = kernels_for(isa)->nr;
    if (k <= 0 || n <= 0) return 16;
    const long panels = ceil_div(n, nr), last = k % RK_GEMM_KC;
    return (size_t)(packed_block_offset(k, panels, nr) + (last ? panels * panel_stride(last, nr) : 0)) + 16;
}

void rk_sgemm_pack_b_isa(rk_isa isa, int trans_b, long k, long n, const float *b, long ldb, float *packed) {
    int nr = kernels_for(isa)->nr;
    const long panels = ceil_div(n, nr);
    for (long pc = 0; pc < k; pc += RK_GEMM_KC) {
        long kc = min_long(RK_GEMM_KC, k - pc);
        pack_b(trans_b, b, ldb, pc, kc, 0, n, nr, packed + packed_block_offset(pc, panels, nr));
    }
}

// MARK: - The blocked loop nest on one thread's rectangle of C

typedef struct {
    const rk_gemm_kernels *kernels;
    int trans_a, trans_b;
    long m, n, k;
    float alpha, beta;
    const float *a, *b, *packed_b;
    long lda, ldb, ldc;
    float *c;
    int grid_m, grid_n;  // the threads' grid over C: grid_m row bands x grid_n column bands
} gemm_job;

static void gemm_rectangle(const gemm_job *job, long m0, long m1, long n0, long n1) {
    const rk_gemm_kernels *kernels = job->kernels;
    const int mr = kernels->mr, nr = kernels->nr;
    const long panels = ceil_div(job->n, nr);
    // With few rows, each B panel serves only a few tiles and packing B costs about as much as
    // multiplying: pack a wide block of B so it is read row by row, front to back, and keep each
    // B panel in L1 while every A panel passes over it.
    const int few_rows = m1 - m0 <= RK_GEMM_FEW_ROWS;
    const long nc_max = few_rows ? min_long(ceil_div(n1 - n0, nr), RK_GEMM_WIDE_NC / nr) * nr : nc_for(nr);
    scratch_buffers *scratch = thread_scratch();
    float *a_panels = reserve(&scratch->a, &scratch->a_count,
                              (size_t)(ceil_div(min_long(RK_GEMM_MC, m1 - m0), mr) * panel_stride(RK_GEMM_KC, mr)));
    float *b_panels = job->packed_b ? NULL
                                    : reserve(&scratch->b, &scratch->b_count, (size_t)(ceil_div(nc_max, nr) * panel_stride(RK_GEMM_KC, nr)));

    for (long pc = 0; pc < job->k; pc += RK_GEMM_KC) {
        const long kc = min_long(RK_GEMM_KC, job->k - pc);
        const float beta = pc == 0 ? job->beta : 1.0f;
        for (long ic = m0; ic < m1; ic += RK_GEMM_MC) {
            const long mc = min_long(RK_GEMM_MC, m1 - ic);
            pack_a(job->trans_a, job->a, job->lda, ic, mc, pc, kc, mr, a_panels);
            for (long jc = n0; jc < n1; jc += nc_max) {
                const long nc = min_long(nc_max, n1 - jc);
                const float *b_block;
                if (job->packed_b) {
                    b_block = job->packed_b + packed_block_offset(pc, panels, nr) + (jc / nr) * panel_stride(kc, nr);
                } else {
                    pack_b(job->trans_b, job->b, job->ldb, pc, kc, jc, nc, nr, b_panels);
                    b_block = b_panels;
                }
                float *c_block = job->c + ic * job->ldc + jc;
                if (few_rows) {
                    for (long jr = 0; jr < nc; jr += nr)
                        for (long ir = 0; ir < mc; ir += mr)
                            kernels->kernel(kc, a_panels + (ir / mr) * panel_stride(kc, mr), b_block + (jr / nr) * panel_stride(kc, nr),
                                            c_block + ir * job->ldc + jr, job->ldc, job->alpha, beta,
                                            (int)min_long(mr, mc - ir), (int)min_long(nr, nc - jr));
                } else {
                    for (long ir = 0; ir < mc; ir += mr)
                        for (long jr = 0; jr < nc; jr += nr)
                            kernels->kernel(kc, a_panels + (ir / mr) * panel_stride(kc, mr), b_block + (jr / nr) * panel_stride(kc, nr),
                                            c_block + ir * job->ldc + jr, job->ldc, job->alpha, beta,
                                            (int)min_long(mr, mc - ir), (int)min_long(nr, nc - jr));
                }
            }
        }
    }
}

/// Splits `units` units into `parts` near-equal contiguous ranges; returns range `index`.
static void split_range(long units, int parts, int index, long *begin, long *end) {
    long base = units / parts, extra = units % parts;
    *begin = index * base + (index < extra ? index : extra);
    *end = *begin + base + (index < extra ? 1 : 0);
}

/// Task `cell` of the job: one rectangle of the grid_m x grid_n grid over C.
static void gemm_task(void *context, int cell, int cells) {
    const gemm_job *job = context;
    (void)cells;
    const int mr = job->kernels->mr, nr = job->kernels->nr;
    long tile_begin, tile_end, panel_begin, panel_end;
    split_range(ceil_div(job->m, mr), job->grid_m, cell / job->grid_n, &tile_begin, &tile_end);
    split_range(ceil_div(job->n, nr), job->grid_n, cell % job->grid_n, &panel_begin, &panel_end);
    long m0 = tile_begin * mr, m1 = min_long(tile_end * mr, job->m);
    long n0 = panel_begin * nr, n1 = min_long(panel_end * nr, job->n);
    if (m0 < m1 && n0 < n1) gemm_rectangle(job, m0, m1, n0, n1);
}

/// Chooses how many threads to use and how to lay them out over C, weighing each thread's
/// share of the multiply-adds against the packing it repeats (A for every column band,
/// B for every row band unless B was packed in advance). Inside a parallel region (a band of
/// a recurrent layer's rows running its time loop) the tasks would run one after the other on
/// this thread, each packing its part again: one task then. The grid never changes a bit of C.
static void choose_grid(const gemm_job *job, int *grid_m, int *grid_n) {
    *grid_m = *grid_n = 1;
    int threads = rk_num_threads();
    if ((double)job->m * (double)job->n * (double)job->k < RK_MIN_PARALLEL_FMAS || threads <= 1 || rk_in_parallel_region())
        return;
    const int mr = job->kernels->mr, nr = job->kernels->nr;
    const long tiles = ceil_div(job->m, mr), panels = ceil_div(job->n, nr);
    double best = -1;
    for (int tm = 1; tm <= threads; tm++) {
        for (int tn = 1; tm * tn <= threads; tn++) {
            if (tm > tiles || tn > panels) continue;
            double rows = (double)ceil_div(tiles, tm) * mr, cols = (double)ceil_div(panels, tn) * nr;
            // B packed in advance costs a row band nothing: only A's packing is repeated then.
            double cost = rows * cols * (double)job->k + 16.0 * (double)job->k * (rows + (job->packed_b ? 0 : cols));
            cost += 2000.0 * (tm * tn);  // waking a thread is not free
            if (best < 0 || cost < best) { best = cost; *grid_m = tm; *grid_n = tn; }
        }
    }
}

// MARK: - Cooperative packing for large products

/// Large products split along one dimension would have every thread pack the whole of the other
/// operand. Instead the threads pack it together, once, into a buffer they all read, then each
/// computes its own band of C — two parallel regions per block of K.
typedef struct {
    const gemm_job *job;
    long pc, kc;        // the current slice of K
    long ic, mc;        // A split (shared A): the current block of rows
    long jc, nc;        // B split (shared B): the current block of columns
    float *shared;      // the shared packed operand
    int split_columns;  // 1: tasks own column bands and share A; 0: row bands sharing B
    int tasks;
} cooperative_job;

static void cooperative_pack_task(void *context, int task, int tasks) {
    const cooperative_job *co = context;
    const gemm_job *job = co->job;
    const int mr = job->kernels->mr, nr = job->kernels->nr;
    long begin, end;
    if (co->split_columns) {  // pack row panels [begin, end) of A's current block
        split_range(ceil_div(co->mc, mr), tasks, task, &begin, &end);
        long rows = min_long(end * mr, co->mc) - begin * mr;
        if (rows > 0)
            pack_a(job->trans_a, job->a, job->lda, co->ic + begin * mr, rows, co->pc, co->kc, mr,
                   co->shared + begin * panel_stride(co->kc, mr));
    } else {  // pack column panels [begin, end) of B's current block
        split_range(ceil_div(co->nc, nr), tasks, task, &begin, &end);
        long cols = min_long(end * nr, co->nc) - begin * nr;
        if (cols > 0)
            pack_b(job->trans_b, job->b, job->ldb, co->pc, co->kc, co->jc + begin * nr, cols, nr,
                   co->shared + begin * panel_stride(co->kc, nr));
    }
}

static void cooperative_compute_task(void *context, int task, int tasks) {
    const cooperative_job *co = context;
    const gemm_job *job = co->job;
    const rk_gemm_kernels *kernels = job->kernels;
    const int mr = kernels->mr, nr = kernels->nr;
    const float beta = co->pc == 0 ? job->beta : 1.0f;
    scratch_buffers *scratch = thread_scratch();
    long begin, end;
    if (co->split_columns) {
        // Columns [n0, n1) against the shared A block (mc rows); B packed here, NC at a time.
        split_range(ceil_div(job->n, nr), tasks, task, &begin, &end);
        const long n0 = begin * nr, n1 = min_long(end * nr, job->n), nc_max = nc_for(nr);
        const long panels = ceil_div(job->n, nr);
        float *b_panels = job->packed_b ? NULL
                                        : reserve(&scratch->b, &scratch->b_count, (size_t)(ceil_div(nc_max, nr) * panel_stride(RK_GEMM_KC, nr)));
        for (long jc = n0; jc < n1; jc += nc_max) {
            const long nc = min_long(nc_max, n1 - jc);
            const float *b_block;
            if (job->packed_b) {
                b_block = job->packed_b + packed_block_offset(co->pc, panels, nr) + (jc / nr) * panel_stride(co->kc, nr);
            } else {
                pack_b(job->trans_b, job->b, job->ldb, co->pc, co->kc, jc, nc, nr, b_panels);
                b_block = b_panels;
            }
            for (long ir = 0; ir < co->mc; ir += mr)
                for (long jr = 0; jr < nc; jr += nr)
                    kernels->kernel(co->kc, co->shared + (ir / mr) * panel_stride(co->kc, mr), b_block + (jr / nr) * panel_stride(co->kc, nr),
                                    job->c + (co->ic + ir) * job->ldc + jc + jr, job->ldc, job->alpha, beta,
                                    (int)min_long(mr, co->mc - ir), (int)min_long(nr, nc - jr));
        }
    } else {
        // Rows [m0, m1) against the shared B block (nc columns); A packed here.
        split_range(ceil_div(job->m, mr), tasks, task, &begin, &end);
        const long m0 = begin * mr, m1 = min_long(end * mr, job->m), nc_max = nc_for(nr);
        float *a_panels = reserve(&scratch->a, &scratch->a_count,
                                  (size_t)(ceil_div(min_long(RK_GEMM_MC, m1 - m0), mr) * panel_stride(RK_GEMM_KC, mr)));
        for (long ic = m0; ic < m1; ic += RK_GEMM_MC) {
            const long mc = min_long(RK_GEMM_MC, m1 - ic);
            pack_a(job->trans_a, job->a, job->lda, ic, mc, co->pc, co->kc, mr, a_panels);
            for (long jc2 = 0; jc2 < co->nc; jc2 += nc_max) {  // an L2-sized part of the shared block
                const long nc = min_long(nc_max, co->nc - jc2);
                const float *b_block = co->shared + (jc2 / nr) * panel_stride(co->kc, nr);
                for (long ir = 0; ir < mc; ir += mr)
                    for (long jr = 0; jr < nc; jr += nr)
                        kernels->kernel(co->kc, a_panels + (ir / mr) * panel_stride(co->kc, mr), b_block + (jr / nr) * panel_stride(co->kc, nr),
                                        job->c + (ic + ir) * job->ldc + co->jc + jc2 + jr, job->ldc, job->alpha, beta,
                                        (int)min_long(mr, mc - ir), (int)min_long(nr, nc - jr));
            }
        }
    }
}

/// Runs `job` (grid 1 x T or T x 1) with the operand every band needs packed once, together.
static void gemm_cooperative(const gemm_job *job, int tasks, int split_columns) {
    const int mr = job->kernels->mr, nr = job->kernels->nr;
    scratch_buffers *scratch = thread_scratch();
    // Shared blocks: all of A's rows (up to MC) or up to RK_GEMM_WIDE_NC of B's columns, per K slice.
    const long block = split_columns ? ceil_div(min_long(RK_GEMM_MC, job->m), mr) * mr
                                     : min_long(ceil_div(job->n, nr), RK_GEMM_WIDE_NC / nr) * nr;
    const int unit = split_columns ? mr : nr;
    float *shared = reserve(&scratch->shared, &scratch->shared_count, (size_t)(ceil_div(block, unit) * panel_stride(RK_GEMM_KC, unit)));
    cooperative_job co = {job, 0, 0, 0, 0, 0, 0, shared, split_columns, tasks};
    // Twice as many compute bands as threads, taken as threads come free: a thread slowed down
    // (by another process, or by its caches) then holds the others up by half a band at most
    // (C harness, medians of 10 alternations: 1024^3 159 -> 168 GFLOP/s, 512^3 147 -> 151,
    // 2048x512x2048 149 -> 148). Each band packs only its own part of the other operand.
    const int bands = tasks * 2;
    for (co.pc = 0; co.pc < job->k; co.pc += RK_GEMM_KC) {
        co.kc = min_long(RK_GEMM_KC, job->k - co.pc);
        if (split_columns) {
            for (co.ic = 0; co.ic < job->m; co.ic += block) {
                co.mc = min_long(block, job->m - co.ic);
                rk_parallel_run(cooperative_pack_task, &co, tasks);
                rk_parallel_run(cooperative_compute_task, &co, bands);
            }
        } else {
            for (co.jc = 0; co.jc < job->n; co.jc += block) {
                co.nc = min_long(block, job->n - co.jc);
                rk_parallel_run(cooperative_pack_task, &co, tasks);
                rk_parallel_run(cooperative_compute_task, &co, bands);
            }
        }
    }
}

// MARK: - Small m: B is streamed once, unpacked

typedef struct {
    const rk_gemm_kernels *kernels;
    int trans_b;
    long m, n, k;
    float alpha, beta;
    const float *a, *b;
    long ldb, ldc;
    float *c;
    float *partials;  // split over K: task t's product over its rows of B, m x n, at t * m * n
} small_m_job;

/// One task of a product split over K (B not transposed): A's columns and B's rows [begin, end)
/// into the task's own partial product. Each task reads one contiguous band of B's rows, which
/// the prefetcher follows from start to end; split over columns, each task would read a piece of
/// every row (a 4 KB half of each 8 KB row at 1x512x2048), restarting the prefetcher at each.
static void small_m_k_task(void *context, int task, int tasks) {
    const small_m_job *job = context;
    long begin, end;
    split_range(job->k, tasks, task, &begin, &end);
    float *partial = job->partials + (size_t)task * (size_t)(job->m * job->n);
    if (begin >= end) {
        memset(partial, 0, (size_t)(job->m * job->n) * sizeof(float));
        return;
    }
    // The kernel reads A's rows `width` apart: one row is used in place, more are gathered.
    const long width = end - begin;
    float a_stack[RK_GEMM_SMALL_M * 1024];
    const float *a = job->a + begin;
    float *gathered = NULL;
    if (job->m > 1) {
        gathered = job->m * width <= RK_GEMM_SMALL_M * 1024 ? a_stack : rk_alloc_aligned((size_t)(job->m * width) * sizeof(float));
        if (!gathered) abort();
        for (long i = 0; i < job->m; i++) memcpy(gathered + i * width, job->a + i * job->k + begin, (size_t)width * sizeof(float));
        a = gathered;
    }
    job->kernels->small_m(0, 0, job->m, job->n, width, 1, a, job->b + begin * job->ldb, job->ldb, 0, partial, job->n);
    if (gathered && gathered != a_stack) rk_free_aligned(gathered);
}

/// C = alpha (sum of the tasks' partial products) + beta C, summed in task order (deterministic)
/// into the first partial.
static void add_partials(const small_m_job *job, int tasks) {
    const long m = job->m, n = job->n;
    const float alpha = job->alpha, beta = job->beta;
    float *sum = job->partials;
    for (int t = 1; t < tasks; t++) {
        const float *partial = job->partials + (size_t)t * (size_t)(m * n);
        for (long j = 0; j < m * n; j++) sum[j] += partial[j];
    }
    for (long i = 0; i < m; i++) {
        float *row = job->c + i * job->ldc;
        const float *row_sum = sum + i * n;
        if (beta == 0) for (long j = 0; j < n; j++) row[j] = alpha * row_sum[j];
        else for (long j = 0; j < n; j++) row[j] = alpha * row_sum[j] + beta * row[j];
    }
}

static void small_m_task(void *context, int task, int tasks) {
    const small_m_job *job = context;
    long begin, end;
    split_range(ceil_div(job->n, 16), tasks, task, &begin, &end);
    begin *= 16;
    end = min_long(end * 16, job->n);
    if (begin >= end) return;
    // Alternate the direction of the sweep over B's rows from call to call (per thread): when B
    // is a little larger than this core's cache, as recurrent weights often are, a sweep in the
    // same direction every time step evicts each line just before it is needed again, while a
    // back-and-forth sweep starts on the lines the previous one left in the cache.
    static _Thread_local int backwards = 0;
    backwards = !backwards;
    const float *b = job->trans_b ? job->b + begin * job->ldb : job->b + begin;
    job->kernels->small_m(job->trans_b, backwards, job->m, end - begin, job->k, job->alpha, job->a, b, job->ldb,
                          job->beta, job->c + begin, job->ldc);
}

void rk_small_m_dots_accumulate(long m, long n, long k, const float *a, const float *b, long ldb, float *c, long ldc,
                                int backwards) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    const rk_gemm_kernels *kernels = kernels_for(rk_isa_current());
    for (long i0 = 0; i0 < m; i0 += RK_GEMM_SMALL_M) {
        const long rows = min_long(RK_GEMM_SMALL_M, m - i0);
        kernels->small_m(1, backwards, rows, n, k, 1, a + i0 * k, b, ldb, 1, c + i0 * ldc, ldc);
    }
}

// MARK: - The dot-product layout (a few rows times Bᵀ, B packed)

enum { RK_DOTS_GROUP = 8 };

/// Floats in one block of the layout: its groups of 8 rows, each ceil(k / 8) tiles of 8 x 8.
static long dots_block_count(long block_rows, long k) {
    return ceil_div(block_rows, RK_DOTS_GROUP) * RK_DOTS_GROUP * ceil_div(k, RK_DOTS_GROUP) * RK_DOTS_GROUP;
}

size_t rk_dots_packed_count(long n, long k, long block_rows) {
    if (n <= 0 || k <= 0 || block_rows <= 0) return 1;
    return (size_t)(ceil_div(n, block_rows) * dots_block_count(block_rows, k));
}

void rk_dots_pack(long n, long k, long block_rows, const float *b, long ldb, float *packed) {
    memset(packed, 0, rk_dots_packed_count(n, k, block_rows) * sizeof(float));
    if (n <= 0 || k <= 0 || block_rows <= 0) return;
    const long tiles = ceil_div(k, RK_DOTS_GROUP), full_tiles = k / RK_DOTS_GROUP;
    for (long j = 0; j < n; j++) {
        const long block = j / block_rows, row = j % block_rows;
        float *group = packed + block * dots_block_count(block_rows, k) + row / RK_DOTS_GROUP * tiles * 64;
        float *out = group + row % RK_DOTS_GROUP * RK_DOTS_GROUP;
        const float *in = b + j * ldb;
        for (long q = 0; q < full_tiles; q++) memcpy(out + q * 64, in + q * RK_DOTS_GROUP, RK_DOTS_GROUP * sizeof(float));
        for (long p = full_tiles * RK_DOTS_GROUP; p < k; p++) out[full_tiles * 64 + p % RK_DOTS_GROUP] = in[p];
    }
}

void rk_dots_generic(int backwards, long m, long n, long k, const float *a, const float *packed, float *c, long ldc) {
    const long groups = ceil_div(n, RK_DOTS_GROUP), tiles = ceil_div(k, RK_DOTS_GROUP);
    for (long step = 0; step < groups; step++) {
        const long g = backwards ? groups - 1 - step : step;
        const int valid = (int)min_long(RK_DOTS_GROUP, n - g * RK_DOTS_GROUP);
        for (long i = 0; i < m; i++) {
            const float *a_row = a + i * k, *tile = packed + g * tiles * 64;
            float acc[RK_DOTS_GROUP][RK_DOTS_GROUP] = {{0}};
            for (long q = 0; q < tiles; q++, tile += 64) {
                const long width = min_long(RK_DOTS_GROUP, k - q * RK_DOTS_GROUP);
                for (int r = 0; r < RK_DOTS_GROUP; r++)
                    for (long l = 0; l < width; l++) acc[r][l] += a_row[q * RK_DOTS_GROUP + l] * tile[r * RK_DOTS_GROUP + l];
            }
            float *out = c + i * ldc + g * RK_DOTS_GROUP;
            for (int r = 0; r < valid; r++)
                out[r] += ((acc[r][0] + acc[r][1]) + (acc[r][2] + acc[r][3])) + ((acc[r][4] + acc[r][5]) + (acc[r][6] + acc[r][7]));
        }
    }
}

void rk_dots_accumulate_isa(rk_isa isa, long m, long n, long k, const float *a, const float *packed, float *c, long ldc,
                            int backwards) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    kernels_for(isa)->dots(backwards, m, n, k, a, packed, c, ldc);
}

void rk_dots_packed_accumulate(long m, long n, long k, const float *a, const float *packed, float *c, long ldc,
                               int backwards) {
    rk_dots_accumulate_isa(rk_isa_current(), m, n, k, a, packed, c, ldc, backwards);
}

static void scale_c(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0) memset(row, 0, (size_t)n * sizeof(float));
        else if (beta != 1) for (long j = 0; j < n; j++) row[j] *= beta;
    }
}

static void sgemm(const rk_gemm_kernels *kernels, int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, const float *packed_b, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0) {
        scale_c(m, n, beta, c, ldc);
        return;
    }
    if (!packed_b && m <= RK_GEMM_SMALL_M) {
        // Gather op(A)'s few rows contiguously; B is read once, in place.
        float a_rows[RK_GEMM_SMALL_M * 1024];
        float *gathered = k <= 1024 ? a_rows : rk_alloc_aligned((size_t)(m * k) * sizeof(float));
        if (!gathered) abort();
        for (long i = 0; i < m; i++)
            for (long p = 0; p < k; p++) gathered[i * k + p] = trans_a ? a[p * lda + i] : a[i * lda + p];
        small_m_job job = {kernels, trans_b, m, n, k, alpha, beta, gathered, b, ldb, ldc, c, NULL};
        int threads = (double)m * n * k < RK_MIN_PARALLEL_FMAS ? 1 : rk_num_threads();
        if (!trans_b && threads > 1 && k >= RK_GEMM_SPLIT_K_ROWS * threads) {
            // B's rows split among the threads, each into its own partial product.
            scratch_buffers *scratch = thread_scratch();
            job.partials = reserve(&scratch->shared, &scratch->shared_count, (size_t)threads * (size_t)(m * n));
            rk_parallel_run(small_m_k_task, &job, threads);
            add_partials(&job, threads);
        } else {
            if (threads > ceil_div(n, 64)) threads = (int)ceil_div(n, 64);
            rk_parallel_run(small_m_task, &job, threads);
        }
        if (gathered != a_rows) rk_free_aligned(gathered);
        return;
    }
    gemm_job job = {kernels, trans_a, trans_b, m, n, k, alpha, beta, a, b, packed_b, lda, ldb, ldc, c, 1, 1};
    choose_grid(&job, &job.grid_m, &job.grid_n);
    const int tasks = job.grid_m * job.grid_n;
    // Share the packing of the operand every band would otherwise pack in full, when it is big.
    const int share_a = job.grid_m == 1 && tasks > 1 && m > RK_GEMM_FEW_ROWS;
    const int share_b = job.grid_n == 1 && tasks > 1 && !packed_b;
    if (share_a || share_b) gemm_cooperative(&job, tasks, share_a);
    else rk_parallel_run(gemm_task, &job, tasks);
}

void rk_sgemm_isa(rk_isa isa, int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a,
                  long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    sgemm(kernels_for(isa), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, NULL, beta, c, ldc);
}

void rk_sgemm_packed_isa(rk_isa isa, int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                         const float *packed_b, float beta, float *c, long ldc) {
    sgemm(kernels_for(isa), trans_a, 0, m, n, k, alpha, a, lda, NULL, 0, packed_b, beta, c, ldc);
}

void rk_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc) {
    rk_sgemm_isa(rk_isa_current(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

size_t rk_sgemm_packed_b_count(long k, long n) { return rk_sgemm_packed_b_count_isa(rk_isa_current(), k, n); }

void rk_sgemm_pack_b(int trans_b, long k, long n, const float *b, long ldb, float *packed) {
    rk_sgemm_pack_b_isa(rk_isa_current(), trans_b, k, n, b, ldb, packed);
}

void rk_sgemm_packed(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                     const float *packed_b, float beta, float *c, long ldc) {
    rk_sgemm_packed_isa(rk_isa_current(), trans_a, m, n, k, alpha, a, lda, packed_b, beta, c, ldc);
}

// MARK: - Portable kernels

enum { GENERIC_MR = 4, GENERIC_NR = 16 };

static void generic_kernel(long kc, const float *a, const float *b, float *c, long ldc, float alpha,
                           float beta, int m, int n) {
    float acc[GENERIC_MR][GENERIC_NR] = {{0}};
    for (long p = 0; p < kc; p++, a += GENERIC_MR, b += GENERIC_NR)
        for (int i = 0; i < GENERIC_MR; i++)
            for (int j = 0; j < GENERIC_NR; j++) acc[i][j] += a[i] * b[j];
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            c[i * ldc + j] = beta == 0 ? alpha * acc[i][j] : alpha * acc[i][j] + beta * c[i * ldc + j];
}

/// Σ_p a[p] · b[p] summed as every kernel of a few rows times Bᵀ sums it, on every instruction set:
/// lane l adds the products at p ≡ l (mod 8) in order of p, and the lanes are added pairwise,
/// ((0+1) + (2+3)) + ((4+5) + (6+7)). The in-place kernels (small_m with trans_b) and those of the
/// dot-product layout (dots) all follow this order, so whether a recurrent layer reads W_hh in place
/// or laid out (a cache) never changes a bit of its result.
static inline float dot_in_eight_lanes(const float *a, const float *b, long k) {
    float lanes[8] = {0};
    for (long p = 0; p < k; p++) lanes[p % 8] += a[p] * b[p];
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

void rk_small_m_generic(int trans_b, int backwards, long m, long n, long k, float alpha, const float *a, const float *b,
                        long ldb, float beta, float *c, long ldc) {
    enum { CHUNK = 64 };
    for (long i = 0; i < m; i++) {
        const float *a_row = a + i * k;
        float *c_row = c + i * ldc;
        if (trans_b) {
            for (long column = 0; column < n; column++) {
                const long j = backwards ? n - 1 - column : column;
                const float sum = dot_in_eight_lanes(a_row, b + j * ldb, k);
                c_row[j] = beta == 0 ? alpha * sum : alpha * sum + beta * c_row[j];
            }
        } else {
            for (long j0 = 0; j0 < n; j0 += CHUNK) {
                long width = min_long(CHUNK, n - j0);
                float acc[CHUNK] = {0};
                for (long p = 0; p < k; p++) {
                    const float *b_row = b + p * ldb + j0;
                    float a_ip = a_row[p];
                    for (long j = 0; j < width; j++) acc[j] += a_ip * b_row[j];
                }
                for (long j = 0; j < width; j++)
                    c_row[j0 + j] = beta == 0 ? alpha * acc[j] : alpha * acc[j] + beta * c_row[j0 + j];
            }
        }
    }
}

const rk_gemm_kernels rk_gemm_generic = {GENERIC_MR, GENERIC_NR, generic_kernel, rk_small_m_generic, rk_dots_generic};
