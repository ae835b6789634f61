// The word2vec kernels, written once and compiled per instruction set: a file defines
//   W2V_SUFFIX                 the suffix of its functions' names (generic, avx2, ...)
//   W2V_TARGET                 the target attribute of those functions (may be empty)
//   W2V_DOT(a, b, n)           Σ a[j] b[j]
//   W2V_AXPY(alpha, x, y, n)   y[j] += alpha x[j]
// then includes this file, which defines its rk_word2vec_kernels table `rk_word2vec_<suffix>`.
// The math is described above rk_word2vec_model in CRecurrentKernels.h.
#include "word2vec_internal.h"

#define W2V_PASTE2(a, b) a##_##b
#define W2V_PASTE(a, b) W2V_PASTE2(a, b)
#define W2V_NAME(name) W2V_PASTE(name, W2V_SUFFIX)

/// Trains the input `hidden` against `positive` (label 1) and `negatives` (label 0): adds
/// g u_t to `hidden_error` and g hidden to u_t for each target t, g = alpha (label - σ(hidden·u_t)).
W2V_TARGET static inline void W2V_NAME(w2v_train_targets)(const rk_word2vec_model *model, const float *table,
                                                          const float *hidden, float *hidden_error, long positive,
                                                          const int32_t *negatives, long negative_count, float alpha) {
    const long dimension = model->dimension;
    for (long k = -1; k < negative_count; k++) {
        const long target = k < 0 ? positive : negatives[k];
        const float label = k < 0 ? 1.0f : 0.0f;
        float *output = model->output_vectors + target * dimension;
        const float g = alpha * (label - rk_w2v_sigmoid(table, W2V_DOT(hidden, output, dimension)));
        W2V_AXPY(g, output, hidden_error, dimension);
        W2V_AXPY(g, hidden, output, dimension);
    }
}

W2V_TARGET static void W2V_NAME(w2v_skipgram_update)(const rk_word2vec_model *model, long input_word, long output_word,
                                                     const int32_t *negatives, long negative_count, float alpha,
                                                     float *scratch) {
    const long dimension = model->dimension;
    float *input = model->input_vectors + input_word * dimension;
    memset(scratch, 0, sizeof(float) * (size_t)dimension);
    W2V_NAME(w2v_train_targets)(model, rk_word2vec_sigmoid_table(), input, scratch, output_word, negatives, negative_count, alpha);
    W2V_AXPY(1.0f, scratch, input, dimension);
}

W2V_TARGET static void W2V_NAME(w2v_cbow_update)(const rk_word2vec_model *model, const int32_t *context, long context_count,
                                                 long center, const int32_t *negatives, long negative_count, float alpha,
                                                 float *scratch) {
    const long dimension = model->dimension;
    float *hidden = scratch, *hidden_error = scratch + dimension;
    memset(scratch, 0, sizeof(float) * 2 * (size_t)dimension);
    for (long c = 0; c < context_count; c++) W2V_AXPY(1.0f, model->input_vectors + context[c] * dimension, hidden, dimension);
    const float scale = 1.0f / (float)context_count;
    for (long j = 0; j < dimension; j++) hidden[j] *= scale;
    W2V_NAME(w2v_train_targets)(model, rk_word2vec_sigmoid_table(), hidden, hidden_error, center, negatives, negative_count, alpha);
    // Each context word receives the whole of -alpha dL/dh, not its 1/count share (the gradient of
    // the mean), as the original tool and gensim's cbow_mean do: the share trained measurably
    // worse vectors (analogy accuracy 5.8 % against 7.8 % on the comparison corpus).
    for (long c = 0; c < context_count; c++) W2V_AXPY(1.0f, hidden_error, model->input_vectors + context[c] * dimension, dimension);
}

W2V_TARGET static long W2V_NAME(w2v_train_chunk)(const rk_word2vec_model *model, const int32_t *tokens,
                                                 const int32_t *sentence_ends, long sentence_count, uint64_t seed,
                                                 float alpha_start, float alpha_end) {
    if (sentence_count <= 0) return 0;
    const long total = sentence_ends[sentence_count - 1];
    long longest = 0;
    for (long s = 0, begin = 0; s < sentence_count; begin = sentence_ends[s], s++) {
        if (sentence_ends[s] - begin > longest) longest = sentence_ends[s] - begin;
    }
    const long window = model->window;
    float *scratch = malloc(sizeof(float) * 2 * (size_t)model->dimension);
    int32_t *kept = malloc(sizeof(int32_t) * (size_t)(longest > 0 ? longest : 1));
    int32_t *context = malloc(sizeof(int32_t) * (size_t)(2 * window));
    int32_t *negatives = malloc(sizeof(int32_t) * (size_t)(model->negatives > 0 ? model->negatives : 1));
    long trained = 0;
    if (!scratch || !kept || !context || !negatives) goto done;  // out of memory: the chunk is skipped

    uint64_t state = seed;
    for (long s = 0, begin = 0; s < sentence_count; begin = sentence_ends[s], s++) {
        const float alpha = alpha_start + (alpha_end - alpha_start) * (float)begin / (float)(total > 0 ? total : 1);
        long count = 0;
        for (long i = begin; i < sentence_ends[s]; i++) {
            const int32_t word = tokens[i];
            const uint32_t threshold = model->keep_threshold ? model->keep_threshold[word] : UINT32_MAX;
            if (threshold != UINT32_MAX && (uint32_t)rk_w2v_next(&state) >= threshold) continue;
            kept[count++] = word;
        }
        trained += count;
        for (long position = 0; position < count; position++) {
            const long span = window - (long)rk_w2v_below(rk_w2v_next(&state), (uint64_t)window);
            const long first = position - span > 0 ? position - span : 0;
            const long last = position + span < count - 1 ? position + span : count - 1;
            const long center = kept[position];
            if (model->cbow) {
                long context_count = 0;
                for (long c = first; c <= last; c++) if (c != position) context[context_count++] = kept[c];
                if (context_count == 0) continue;
                long negative_count = 0;
                for (int k = 0; k < model->negatives; k++) {
                    const long word = rk_w2v_draw_negative(model, &state);
                    if (word != center) negatives[negative_count++] = (int32_t)word;
                }
                W2V_NAME(w2v_cbow_update)(model, context, context_count, center, negatives, negative_count, alpha, scratch);
            } else {
                for (long c = first; c <= last; c++) {
                    if (c == position) continue;
                    long negative_count = 0;
                    for (int k = 0; k < model->negatives; k++) {
                        const long word = rk_w2v_draw_negative(model, &state);
                        if (word != center) negatives[negative_count++] = (int32_t)word;
                    }
                    W2V_NAME(w2v_skipgram_update)(model, kept[c], center, negatives, negative_count, alpha, scratch);
                }
            }
        }
    }
done:
    free(scratch);
    free(kept);
    free(context);
    free(negatives);
    return trained;
}

const rk_word2vec_kernels W2V_PASTE(rk_word2vec, W2V_SUFFIX) = {
    W2V_NAME(w2v_train_chunk),
    W2V_NAME(w2v_skipgram_update),
    W2V_NAME(w2v_cbow_update),
};
