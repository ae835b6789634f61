// Shared by word2vec.c (the portable kernels and the dispatch) and its per-ISA files: the sigmoid
// table, the random numbers, and the per-ISA entry points that word2vec_template.h defines.
#ifndef RK_WORD2VEC_INTERNAL_H
#define RK_WORD2VEC_INTERNAL_H

#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define RK_W2V_SIGMOID_LIMIT 6.0f
#define RK_W2V_SIGMOID_INTERVALS 1024

/// σ at RK_W2V_SIGMOID_INTERVALS + 1 evenly spaced points from -6 to 6, built once.
const float *rk_word2vec_sigmoid_table(void);

/// σ(x) from the table with linear interpolation; 0 or 1 beyond ±6 (the original tool's choice:
/// the update then saturates at g = alpha (label - 0 or 1)).
RK_INLINE float rk_w2v_sigmoid(const float *table, float x) {
    if (x >= RK_W2V_SIGMOID_LIMIT) return 1.0f;
    if (x <= -RK_W2V_SIGMOID_LIMIT) return 0.0f;
    const float position = (x + RK_W2V_SIGMOID_LIMIT) * (RK_W2V_SIGMOID_INTERVALS / (2 * RK_W2V_SIGMOID_LIMIT));
    int index = (int)position;
    if (index >= RK_W2V_SIGMOID_INTERVALS) index = RK_W2V_SIGMOID_INTERVALS - 1;
    const float fraction = position - (float)index;
    return table[index] + fraction * (table[index + 1] - table[index]);
}

/// SplitMix64: a fast generator whose whole state is one counter, so each chunk's sequence
/// follows from its seed alone.
RK_INLINE uint64_t rk_w2v_next(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// A uniform integer in [0, bound) from the top 32 bits of a draw (multiply and shift).
RK_INLINE uint64_t rk_w2v_below(uint64_t random, uint64_t bound) { return ((random >> 32) * bound) >> 32; }

/// A word from the negative-sampling distribution (Walker's alias method: one draw, O(1)).
RK_INLINE long rk_w2v_draw_negative(const rk_word2vec_model *model, uint64_t *state) {
    const uint64_t random = rk_w2v_next(state);
    const uint64_t bucket = rk_w2v_below(random, (uint64_t)model->vocabulary);
    return (uint32_t)random < model->negative_threshold[bucket] ? (long)bucket : (long)model->negative_alias[bucket];
}

typedef long rk_w2v_train_chunk_fn(const rk_word2vec_model *model, const int32_t *tokens, const int32_t *sentence_ends,
                                   long sentence_count, uint64_t seed, float alpha_start, float alpha_end);
typedef void rk_w2v_skipgram_update_fn(const rk_word2vec_model *model, long input_word, long output_word,
                                       const int32_t *negatives, long negative_count, float alpha, float *scratch);
typedef void rk_w2v_cbow_update_fn(const rk_word2vec_model *model, const int32_t *context, long context_count, long center,
                                   const int32_t *negatives, long negative_count, float alpha, float *scratch);

/// The kernels one instruction set provides (each from word2vec_template.h).
typedef struct {
    rk_w2v_train_chunk_fn *train_chunk;
    rk_w2v_skipgram_update_fn *skipgram_update;  // scratch: dimension floats
    rk_w2v_cbow_update_fn *cbow_update;          // scratch: 2 · dimension floats
} rk_word2vec_kernels;

extern const rk_word2vec_kernels rk_word2vec_generic;
#if RK_X86
extern const rk_word2vec_kernels rk_word2vec_avx2;
extern const rk_word2vec_kernels rk_word2vec_avx512;
#endif
#if RK_ARM64
extern const rk_word2vec_kernels rk_word2vec_neon;
#endif

#endif
