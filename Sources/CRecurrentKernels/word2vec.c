// word2vec with negative sampling: the portable kernels, the sigmoid table and the dispatch to
// each instruction set's kernels (word2vec_avx2.c, word2vec_avx512.c, word2vec_neon.c), all
// compiled from word2vec_template.h.
#include "word2vec_internal.h"

#include <math.h>
#include <pthread.h>

static float sigmoid_table[RK_W2V_SIGMOID_INTERVALS + 1];
static pthread_once_t sigmoid_table_once = PTHREAD_ONCE_INIT;

static void build_sigmoid_table(void) {
    for (int i = 0; i <= RK_W2V_SIGMOID_INTERVALS; i++) {
        const double x = -RK_W2V_SIGMOID_LIMIT + 2.0 * RK_W2V_SIGMOID_LIMIT * i / RK_W2V_SIGMOID_INTERVALS;
        sigmoid_table[i] = (float)(1 / (1 + exp(-x)));
    }
}

const float *rk_word2vec_sigmoid_table(void) {
    pthread_once(&sigmoid_table_once, build_sigmoid_table);
    return sigmoid_table;
}

float rk_word2vec_sigmoid(float x) { return rk_w2v_sigmoid(rk_word2vec_sigmoid_table(), x); }

/// Four partial sums, so the additions overlap instead of waiting on one another.
static inline float dot_generic(const float *a, const float *b, long n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    long j = 0;
    for (; j + 4 <= n; j += 4) {
        s0 += a[j] * b[j];
        s1 += a[j + 1] * b[j + 1];
        s2 += a[j + 2] * b[j + 2];
        s3 += a[j + 3] * b[j + 3];
    }
    for (; j < n; j++) s0 += a[j] * b[j];
    return (s0 + s1) + (s2 + s3);
}

static inline void axpy_generic(float alpha, const float *x, float *y, long n) {
    for (long j = 0; j < n; j++) y[j] += alpha * x[j];
}

#define W2V_SUFFIX generic
#define W2V_TARGET
#define W2V_DOT dot_generic
#define W2V_AXPY axpy_generic
#include "word2vec_template.h"

// MARK: - Dispatch

static const rk_word2vec_kernels *kernels_for(rk_isa isa) {
    if (!rk_isa_supported(isa)) return &rk_word2vec_generic;
    switch (isa) {
#if RK_X86
    case RK_ISA_AVX512: return &rk_word2vec_avx512;
    case RK_ISA_AVX2: return &rk_word2vec_avx2;
#endif
#if RK_ARM64
    case RK_ISA_NEON: return &rk_word2vec_neon;
#endif
    default: return &rk_word2vec_generic;
    }
}

long rk_word2vec_train_chunk(const rk_word2vec_model *model, const int32_t *tokens, const int32_t *sentence_ends,
                             long sentence_count, uint64_t seed, float alpha_start, float alpha_end) {
    return kernels_for(rk_isa_current())->train_chunk(model, tokens, sentence_ends, sentence_count, seed, alpha_start, alpha_end);
}

long rk_word2vec_train_chunk_isa(rk_isa isa, const rk_word2vec_model *model, const int32_t *tokens,
                                 const int32_t *sentence_ends, long sentence_count, uint64_t seed, float alpha_start,
                                 float alpha_end) {
    return kernels_for(isa)->train_chunk(model, tokens, sentence_ends, sentence_count, seed, alpha_start, alpha_end);
}

void rk_word2vec_skipgram_update_isa(rk_isa isa, const rk_word2vec_model *model, long input_word, long output_word,
                                     const int32_t *negatives, long negative_count, float alpha) {
    float *scratch = malloc(sizeof(float) * (size_t)model->dimension);
    if (!scratch) return;
    kernels_for(isa)->skipgram_update(model, input_word, output_word, negatives, negative_count, alpha, scratch);
    free(scratch);
}

void rk_word2vec_cbow_update_isa(rk_isa isa, const rk_word2vec_model *model, const int32_t *context, long context_count,
                                 long center, const int32_t *negatives, long negative_count, float alpha) {
    if (context_count <= 0) return;
    float *scratch = malloc(sizeof(float) * 2 * (size_t)model->dimension);
    if (!scratch) return;
    kernels_for(isa)->cbow_update(model, context, context_count, center, negatives, negative_count, alpha, scratch);
    free(scratch);
}
