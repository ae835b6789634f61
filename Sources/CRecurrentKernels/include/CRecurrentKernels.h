// CRecurrentKernels: the lowest layer of Recurrent.
//
// Loops over raw float buffers: single-precision GEMM (packed, cache-blocked, multi-threaded),
// vector exp/tanh/sigmoid, softmax and log-sum-exp, and the thread pool they run on. The
// SIMD code paths are selected at run time for the CPU (AVX-512, AVX2+FMA, NEON, portable C),
// so the package needs no compiler flags and builds as an ordinary SwiftPM dependency.
//
// All matrices are row-major. A leading dimension (`lda`, `ldb`, `ldc`) is the distance in
// elements between the starts of two consecutive rows of the matrix as stored.
#ifndef CRECURRENTKERNELS_H
#define CRECURRENTKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - CPU dispatch

/// Instruction sets a kernel family can be written for, best last.
typedef enum {
    RK_ISA_GENERIC = 0,  // portable C, whatever the compiler auto-vectorizes for the baseline
    RK_ISA_NEON = 1,     // arm64 Advanced SIMD
    RK_ISA_AVX2 = 2,     // x86-64 AVX2 + FMA3
    RK_ISA_AVX512 = 3,   // x86-64 AVX-512 F/BW/DQ/VL
} rk_isa;

/// The best instruction set this CPU and operating system support.
rk_isa rk_isa_detected(void);
/// The instruction set the kernels currently use (the detected one unless overridden).
rk_isa rk_isa_active(void);
/// 1 when this CPU and operating system can run kernels written for `isa`, else 0.
int rk_isa_supported(rk_isa isa);
/// Forces an instruction set, for benchmarks (tests should call the `_isa` variants of the
/// kernels instead, which leave this process-wide setting alone). Returns 0 on success, -1 when the
/// CPU does not support it (the active one is then unchanged). Not thread-safe with running kernels.
int rk_isa_set(rk_isa isa);
/// The instruction set kernels called from this thread use: the thread's own (rk_isa_set_thread)
/// or else the process-wide active one.
rk_isa rk_isa_in_use(void);
/// Chooses the instruction set for kernels called from this thread, and for the thread pool's
/// workers while they run this thread's parallel regions, leaving other threads alone (tests run
/// one computation under each instruction set while others run beside it). A negative `isa`
/// returns the thread to the process-wide setting. Returns 0, or -1 when the CPU does not support
/// `isa` (nothing changes).
int rk_isa_set_thread(int isa);
/// 1 when this thread has its own instruction set (rk_isa_set_thread), else 0.
int rk_isa_has_thread_setting(void);
/// Whether the RECURRENT_ISA environment variable is usable: 1 when unset or naming an instruction
/// set this CPU supports, 0 when it names one the CPU lacks, -1 when it names none.
int rk_isa_forced_is_valid(void);
/// A short lowercase name ("avx512", "avx2", "neon", "generic").
const char *rk_isa_name(rk_isa isa);

// MARK: - Threads

/// Number of threads kernels use (default: the number of online CPUs, or the
/// `RECURRENT_NUM_THREADS` environment variable when set).
int rk_num_threads(void);
/// Sets the number of threads kernels use (clamped to 1...64).
void rk_set_num_threads(int threads);

/// A unit of parallel work: task `task_index` of `task_count`. Every task must be independent
/// of the others and of the thread it runs on (so results are the same whichever thread runs it).
typedef void (*rk_parallel_fn)(void *context, int task_index, int task_count);
/// Runs tasks 0..<`tasks` on up to rk_num_threads() threads, the caller's
/// included, and returns when all are done. Threads claim tasks one at a time, so a thread the
/// operating system has descheduled does not hold the others up. Called from inside a parallel
/// region, or while another thread holds the pool, the tasks run serially on the calling thread.
void rk_parallel_run(rk_parallel_fn fn, void *context, int tasks);

/// Keeps large freed allocations in the process heap instead of returning them to the system
/// (glibc; elsewhere a no-op), so a training loop that frees and reallocates the same large
/// buffers every step stops paying for page faults. For programs, not libraries, to call.
void rk_keep_large_allocations(void);

// MARK: - GEMM

/// C = alpha * op(A) * op(B) + beta * C, where op(X) is X or its transpose.
/// op(A) is M x K, op(B) is K x N, C is M x N. When beta == 0, C is not read (it may hold NaN).
/// A is stored M x K (lda >= K) when trans_a == 0, K x M (lda >= M) otherwise; likewise B.
void rk_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// rk_sgemm with the kernels of a given instruction set (the generic ones when the CPU lacks it).
void rk_sgemm_isa(rk_isa isa, int trans_a, int trans_b, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// The naive triple loop, accumulating in double: the reference the fast kernels are tested against.
void rk_sgemm_reference(int trans_a, int trans_b, long m, long n, long k, float alpha,
                        const float *a, long lda, const float *b, long ldb, float beta,
                        float *c, long ldc);

/// Number of floats a packed copy of op(B) (K x N) needs for the active instruction set.
/// A packed B is only valid for the instruction set that was active when it was packed.
size_t rk_sgemm_packed_b_count(long k, long n);
/// Packs op(B) (K x N) into `packed` (rk_sgemm_packed_b_count(k, n) floats, 64-byte aligned).
void rk_sgemm_pack_b(int trans_b, long k, long n, const float *b, long ldb, float *packed);
/// C = alpha * op(A) * B + beta * C with B packed by rk_sgemm_pack_b for the same k and n.
void rk_sgemm_packed(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                     const float *packed_b, float beta, float *c, long ldc);
/// The three packed-B functions for an explicit instruction set; a packed B must be used with
/// the instruction set it was packed for.
size_t rk_sgemm_packed_b_count_isa(rk_isa isa, long k, long n);
void rk_sgemm_pack_b_isa(rk_isa isa, int trans_b, long k, long n, const float *b, long ldb, float *packed);
void rk_sgemm_packed_isa(rk_isa isa, int trans_a, long m, long n, long k, float alpha, const float *a,
                         long lda, const float *packed_b, float beta, float *c, long ldc);

// MARK: - Vector math (n elements; `y` may equal `x` but must not otherwise overlap it)
//
// Errors are in ulps of the exact result (the float spacing there; 2^-149 for subnormal results),
// the worst case over all 2^32 inputs, measured against double-precision libm. Every instruction
// set runs the same algorithm (see vmath_internal.h), so results agree across them to about an ulp.
// A NaN input gives a NaN output. Each element's result depends only on its value, not on its
// position or on n.

/// y = exp(x); max error 1.02 ulp. +inf from 88.72284, subnormal results rounded once (exp(-103.5)
/// is the smallest subnormal), 0 from -103.97208; exp(-inf) = 0.
void rk_vexp(const float *x, float *y, long n);
/// y = tanh(x); max error 1.34 ulp. Odd: tanh(-0) = -0 and tiny or subnormal x give x.
/// Saturates to exactly +-1 from |x| = 9.011 (where the rounded result is 1); tanh(+-inf) = +-1.
void rk_vtanh(const float *x, float *y, long n);
/// y = 1 / (1 + exp(-x)); max error 2.41 ulp. Computed from exp(-|x|), so no input overflows:
/// sigmoid(-inf) = 0, sigmoid(inf) = 1, and large negative x give subnormals, then 0.
void rk_vsigmoid(const float *x, float *y, long n);
/// y = log(x), the natural logarithm; max error 0.93 ulp. log(+-0) = -inf, log(x < 0) = NaN,
/// log(inf) = inf; subnormal x are as accurate as normal ones.
void rk_vlog(const float *x, float *y, long n);

/// log(sum(exp(x))) of n elements, max-shifted so no term overflows, summed in double.
/// -inf for n == 0 or all -inf; +inf when any element is +inf; NaN when any is NaN.
float rk_logsumexp(const float *x, long n);
/// Row-wise softmax over `rows` rows of `cols` contiguous elements (max-shifted); y may equal x.
/// Rows the shift cannot handle get a defined result: a row of all -inf gives all 0 (PyTorch
/// gives NaN); a row with +inf entries gives 1/count to each +inf entry and 0 elsewhere; a row
/// containing NaN gives all NaN. Other rows are unaffected.
void rk_softmax_rows(const float *x, float *y, long rows, long cols);
/// Row-wise log-softmax over `rows` rows of `cols` contiguous elements: (x - max) - log(sum),
/// accurate where the result is near 0. y may equal x. A row of all -inf gives all -inf; a row
/// with +inf entries gives -log(count) for them and -inf elsewhere; a row with NaN gives all NaN.
void rk_log_softmax_rows(const float *x, float *y, long rows, long cols);

/// The vector math functions with the kernels of a given instruction set (the generic ones when
/// the CPU lacks it), for tests and benchmarks; they leave the process-wide setting alone.
void rk_vexp_isa(rk_isa isa, const float *x, float *y, long n);
void rk_vtanh_isa(rk_isa isa, const float *x, float *y, long n);
void rk_vsigmoid_isa(rk_isa isa, const float *x, float *y, long n);
void rk_vlog_isa(rk_isa isa, const float *x, float *y, long n);
float rk_logsumexp_isa(rk_isa isa, const float *x, long n);
void rk_softmax_rows_isa(rk_isa isa, const float *x, float *y, long rows, long cols);
void rk_log_softmax_rows_isa(rk_isa isa, const float *x, float *y, long rows, long cols);

// MARK: - Recurrent cells: the elementwise part of one time step, over `rows` sequences
//
// Each row's gates are contiguous: LSTM [i|f|g|o] (4·hidden), GRU [r|z|n] (3·hidden), as
// PyTorch lays them out; states are rows of `hidden` floats (the previous state may sit in a
// buffer with another row stride, `prev_stride`). `mask` holds one value per row (NULL: all
// rows active); a row with mask 0 has ended: its state is carried unchanged and it produces no
// gradient. Large steps are split across the kernel threads by rows.
//
// Backward functions take `d_output` (dL/dh_t arriving from above) and `dh_next` (in: dL/dh_t
// from later time steps; out: the part of dL/dh_{t-1} that does not go through the recurrent
// weights — zero for LSTM and RNN rows, z·dh for GRU rows, all of dh for ended rows). The
// caller then adds dgates · W_hh into dh_next with a GEMM.

/// The LSTM cell's elementwise math on `n` units with the kernels of `isa` (the generic ones when
/// this CPU cannot run it), as the functions below run it for each row: `i`, `f`, `g`, `o` hold
/// the pre-activations and are overwritten with σ(i), σ(f), tanh(g), σ(o); then c = f c_prev + i g
/// and h = o tanh(c).
void rk_lstm_cell_forward_isa(rk_isa isa, float *i, float *f, float *g, float *o, const float *c_prev, float *c, float *h,
                              long n);
/// Its backward step on `n` units, from the activations i, f, g, o, the cell states c and c_prev:
/// with dL/dh = d_output + dh_next and dL/dc_t in `dc`, writes the pre-activation gradients di, df,
/// dg, d_o, turns `dc` into dL/dc_{t-1} and sets dh_next to 0.
void rk_lstm_cell_backward_isa(rk_isa isa, const float *i, const float *f, const float *g, const float *o, const float *c,
                               const float *c_prev, const float *d_output, float *dh_next, float *dc, float *di, float *df,
                               float *dg, float *d_o, long n);

/// The GRU cell's elementwise math on `count` units with the kernels of `isa` (PyTorch's placement
/// of the reset gate): `r`, `z`, `n` hold x W_ihᵀ + b_ih and `gh_r`, `gh_z`, `gh_n` h W_hhᵀ + b_hh;
/// r = σ(r + gh_r), z = σ(z + gh_z), n = tanh(n + r gh_n) overwrite the first three, and
/// h = (1 - z) n + z h_prev.
void rk_gru_cell_forward_isa(rk_isa isa, float *r, float *z, float *n, const float *gh_r, const float *gh_z, const float *gh_n,
                             const float *h_prev, float *h, long count);
/// Its backward step on `count` units, from the activations r, z, n, gh_n and h_prev: with dL/dh =
/// d_output + dh_next, writes the gradients of the input-side pre-activations (dgi_*) and of the
/// hidden-side ones (dgh_*), and leaves the direct path z dL/dh in dh_next.
void rk_gru_cell_backward_isa(rk_isa isa, const float *r, const float *z, const float *n, const float *gh_n, const float *h_prev,
                              const float *d_output, float *dh_next, float *dgi_r, float *dgi_z, float *dgi_n, float *dgh_r,
                              float *dgh_z, float *dgh_n, long count);

/// LSTM forward. `gates` holds x W_ihᵀ + h W_hhᵀ + biases and is overwritten with the
/// activations (i, f, g, o); writes c = f c_prev + i g and h = o tanh(c).
void rk_lstm_forward_rows(long rows, long hidden, float *gates, long gates_stride, const float *c_prev,
                          const float *h_prev, long prev_stride, float *c, float *h, long state_stride,
                          const float *mask);
/// LSTM backward. With the activations, c and c_prev from the forward step, turns dc from
/// dL/dc_t into dL/dc_{t-1} and writes the pre-activation gradients (i, f, g, o) to `dgates`.
void rk_lstm_backward_rows(long rows, long hidden, const float *gates, const float *c, const float *c_prev,
                           const float *d_output, float *dh_next, float *dc, float *dgates, const float *mask);
/// GRU forward (PyTorch's placement of the reset gate): with gi = x W_ihᵀ + b_ih and
/// gh = h W_hhᵀ + b_hh, r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r gh_n),
/// h = (1 - z) n + z h_prev. `input_gates` is overwritten with the activations (r, z, n).
void rk_gru_forward_rows(long rows, long hidden, float *input_gates, float *hidden_gates, const float *h_prev,
                         long prev_stride, float *h, const float *mask);
/// GRU backward: the gradients of gi (`d_input_gates`) and of gh (`d_hidden_gates`).
void rk_gru_backward_rows(long rows, long hidden, const float *gates, const float *hidden_gates, const float *h_prev,
                          long prev_stride, const float *d_output, float *dh_next, float *d_input_gates,
                          float *d_hidden_gates, const float *mask);
/// Elman RNN forward: h = tanh(a) (or relu(a)) of the pre-activation a = x W_ihᵀ + h W_hhᵀ + biases.
void rk_rnn_forward_rows(long rows, long hidden, int relu, float *preactivation, const float *h_prev, long prev_stride,
                         float *h, const float *mask);
/// Elman RNN backward: dL/da from dL/dh and h.
void rk_rnn_backward_rows(long rows, long hidden, int relu, const float *h, const float *d_output, float *dh_next,
                          float *dpre, const float *mask);

// MARK: - Weights laid out for a few rows' dot products

/// The dot-product layout of an n x k matrix B, which rk_recurrent_forward_sequence reads for a
/// batch of a few rows: B's rows in blocks of `block_rows` (a recurrent layer's W_hh has one block
/// per gate, block_rows = hidden), each block in groups of 8 rows, each group in tiles of 8 rows x
/// 8 columns stored row by row. With tiles = ceil(k / 8) and groups = ceil(block_rows / 8),
/// B[block · block_rows + 8g + r, 8q + l] is at
///   packed[(block · groups + g) · tiles · 64 + q · 64 + r · 8 + l],
/// and the rows and columns past a block's or B's end are zeros. A group of eight dot products
/// then reads one contiguous stream (8 KB at k = 256) instead of eight rows side by side.
/// The number of floats the layout of an n x k matrix takes (n a multiple of block_rows).
size_t rk_dots_packed_count(long n, long k, long block_rows);
/// Writes B (n x k, row stride ldb; n a multiple of block_rows) in the dot-product layout to
/// `packed` (rk_dots_packed_count floats).
void rk_dots_pack(long n, long k, long block_rows, const float *b, long ldb, float *packed);
/// c[i, j] += Σ_p a[i·k + p] · B[j, p] for i < m, j < n, with the kernel of `isa` (the generic
/// one when this CPU cannot run it): B's rows in the dot-product layout, from the group at
/// `packed` on (a block's start, or any group of it). `backwards` visits the groups from the last.
void rk_dots_accumulate_isa(rk_isa isa, long m, long n, long k, const float *a, const float *packed, float *c, long ldc,
                            int backwards);

/// The cells rk_recurrent_forward_sequence runs.
typedef enum { RK_CELL_LSTM = 0, RK_CELL_GRU = 1, RK_CELL_RNN_TANH = 2, RK_CELL_RNN_RELU = 3 } rk_cell;

/// The forward time loop of one layer and direction for a few rows (a batch of up to about four
/// sequences), recurrent products included: at each step, adds h_{t-1} W_hhᵀ (W_hh
/// `[blocks·hidden, hidden]` in PyTorch's layout; `w_hh_dots`, when not NULL, holds the same
/// matrix in the dot-product layout with block_rows = hidden, which is read instead) to that
/// step's `gates` (for the
/// GRU, to `hidden_gates`), then does what rk_lstm_forward_rows, rk_gru_forward_rows or
/// rk_rnn_forward_rows does. Layouts: gates `[length, rows, blocks·hidden]`; h, c `[length, rows,
/// hidden]`; h0, c0 `[rows, hidden]`; mask `[length, rows]` (NULL: none). `c0` and `c` are used by
/// the LSTM only, `hidden_gates` by the GRU only. `reverse` runs the steps from the last time.
///
/// The threads split the hidden units, each taking the same units of every gate block, so a
/// thread reads only its share of W_hh and computes its part of h_t from its own gates. They run
/// the whole loop in one parallel region: at each step a thread claims its own part, runs it,
/// takes any part nobody has claimed (its owner lost its core), and waits until every part is
/// done. Each thread reads its rows of W_hh forwards and backwards on alternate steps, so that a
/// step starts on the rows the previous one left in the cache.
void rk_recurrent_forward_sequence(rk_cell cell, long length, long rows, long hidden, const float *w_hh,
                                   const float *w_hh_dots, float *gates,
                                   float *hidden_gates, const float *h0, const float *c0, float *h, float *c,
                                   const float *mask, int reverse);

// MARK: - Optimizer updates

/// The constants of one Adam (or AdamW) step for one parameter.
typedef struct {
    float weight_decay;           // Adam's L2 term (with `l2`): g + weight_decay p
    float decay_factor;           // AdamW's decoupled decay (with `decoupled`): p (1 - lr weight_decay)
    float one_minus_beta1, beta2, one_minus_beta2, epsilon;
    float negative_step_size;     // -lr / (1 - β₁ᵗ)
    float bias_correction2_root;  // sqrt(1 - β₂ᵗ)
    int l2, decoupled, amsgrad;
} rk_adam_step;

/// Updates `count` parameters and their moments in place as PyTorch's CPU Adam does, in the same
/// operations (`lerp` and `addcmul` with one rounding, as its fused multiply-add does):
///   [decoupled] p = p · decay_factor          [l2] g = p · weight_decay + g
///   m = lerp(m, g, 1 - β₁)                    v = (1 - β₂) g · g + v β₂
///   [amsgrad] v_max = max(v_max, v) (NaN if either is), used for v below
///   p = p + negative_step_size · m / (sqrt(v) / bias_correction2_root + ε)
/// `max_exp_avg_sq` is read only with `amsgrad`. Every instruction set gives the same bits.
void rk_adam_update(long count, float *parameter, const float *gradient, float *exp_avg, float *exp_avg_sq,
                    float *max_exp_avg_sq, const rk_adam_step *step);
/// rk_adam_update with the kernel of a given instruction set (the generic one when the CPU lacks it).
void rk_adam_update_isa(rk_isa isa, long count, float *parameter, const float *gradient, float *exp_avg,
                        float *exp_avg_sq, float *max_exp_avg_sq, const rk_adam_step *step);

// MARK: - word2vec with negative sampling
//
// Mikolov et al. (2013). Each word w has an input vector v_w (the word vectors written out) and an
// output vector u_w. One update trains an input h (skip-gram: v of a context word; CBOW: the mean
// of the context words' v) to predict the word `positive` against `negatives`, words drawn from
// the unigram distribution raised to 0.75, minimizing
//   L = -log σ(h·u_positive) - Σ_k log σ(-h·u_k)
// by one step of stochastic gradient descent with learning rate alpha:
//   for each target t (positive first, label 1; then the negatives, label 0):
//     g = alpha (label - σ(h·u_t));   dh += g u_t;   u_t += g h
//   then v += dh (skip-gram), or v_c += dh for every context word c (CBOW).
// dh uses every u_t before its own update, so the step is exactly -alpha ∂L/∂(h, u) when the
// targets are distinct. For CBOW, where h is the mean of the context's v, each context word gets
// all of dh rather than the dh / count that the gradient of the mean would give, as the original
// tool and gensim do (a learning rate count times larger on the input side). σ comes from a 1024-interval table on [-6, 6] with linear interpolation
// (error below 2e-6); beyond ±6 it is taken as 0 or 1, as the original C tool does.
//
// Training is Hogwild (Recht et al. 2011): threads update the shared vectors without locks.

/// The vectors and tables one training run shares between its threads.
typedef struct {
    float *input_vectors;   // [vocabulary, dimension]: v, the word vectors
    float *output_vectors;  // [vocabulary, dimension]: u, the output (context) vectors
    long vocabulary, dimension;
    /// Per word, its subsampling keep probability times 2^32 (UINT32_MAX: always kept); NULL keeps
    /// every word.
    const uint32_t *keep_threshold;
    /// Walker's alias table of the negative-sampling distribution: a draw picks bucket b uniformly,
    /// then b itself when a uniform 32-bit number is below negative_threshold[b], else
    /// negative_alias[b].
    const uint32_t *negative_threshold;
    const int32_t *negative_alias;
    int window;     // the largest distance of a context word; each position draws its own from 1...window
    int negatives;  // negative words drawn per update
    int cbow;       // 1: CBOW (the mean of the context predicts the word); 0: skip-gram (each context word predicts it)
} rk_word2vec_model;

/// Trains on one chunk of text: `tokens` (word indices) cut into `sentence_count` sentences,
/// sentence i ending before tokens[sentence_ends[i]]. Each sentence is first subsampled (word w
/// kept with probability keep_threshold[w] / 2^32), then every kept word is the center of a window
/// of b words each side (b uniform in 1...window) on the kept words. The learning rate falls
/// linearly from alpha_start at the chunk's first token to alpha_end at its end (per sentence).
/// Random numbers come from `seed` alone, so a chunk trains the same whichever thread runs it.
/// Returns the number of words kept after subsampling. Safe to run on several chunks at once.
long rk_word2vec_train_chunk(const rk_word2vec_model *model, const int32_t *tokens, const int32_t *sentence_ends,
                             long sentence_count, uint64_t seed, float alpha_start, float alpha_end);
/// rk_word2vec_train_chunk with the kernels of `isa` (the generic ones when this CPU lacks it).
long rk_word2vec_train_chunk_isa(rk_isa isa, const rk_word2vec_model *model, const int32_t *tokens,
                                 const int32_t *sentence_ends, long sentence_count, uint64_t seed, float alpha_start,
                                 float alpha_end);
/// One skip-gram update: h = v[input_word] predicts output_word against the given negatives.
void rk_word2vec_skipgram_update_isa(rk_isa isa, const rk_word2vec_model *model, long input_word, long output_word,
                                     const int32_t *negatives, long negative_count, float alpha);
/// One CBOW update: h = the mean of v over `context` (context_count > 0 words) predicts `center`;
/// each context word's v moves by all of dh.
void rk_word2vec_cbow_update_isa(rk_isa isa, const rk_word2vec_model *model, const int32_t *context, long context_count,
                                 long center, const int32_t *negatives, long negative_count, float alpha);
/// σ(x) as the updates compute it (table, interpolation, saturation beyond ±6).
float rk_word2vec_sigmoid(float x);

#ifdef __cplusplus
}
#endif

#endif
