// Elementwise work of one time step of the fused LSTM, GRU and RNN layers, for many rows
// (sequences) at once. The matrix products around them are GEMM calls made by the caller.
//
// Gate layouts are PyTorch's: an LSTM row of pre-activations is [i | f | g | o] and a GRU row
// [r | z | n], each block `hidden` wide. A `mask` (one float per row, 1 or 0; NULL = all 1)
// marks rows whose sequence has ended: their state is carried unchanged and they contribute
// no gradient.
#include "internal.h"

#include <stdlib.h>

enum { RK_ROW_SCRATCH = 4096 };

/// Per-row scratch of `hidden` floats: on the stack when small.
typedef struct {
    float stack[RK_ROW_SCRATCH];
    float *pointer;
} row_scratch;

static float *scratch_begin(row_scratch *scratch, long count) {
    scratch->pointer = count <= RK_ROW_SCRATCH ? scratch->stack : rk_alloc_aligned((size_t)count * sizeof(float));
    if (!scratch->pointer) abort();
    return scratch->pointer;
}

static void scratch_end(row_scratch *scratch) {
    if (scratch->pointer != scratch->stack) rk_free_aligned(scratch->pointer);
}

void rk_lstm_forward_rows(long rows, long hidden, float *gates, long gates_stride, const float *c_prev,
                          const float *h_prev, long prev_stride, float *c, float *h, long state_stride,
                          const float *mask) {
    row_scratch scratch;
    float *tanh_c = scratch_begin(&scratch, hidden);
    for (long row = 0; row < rows; row++) {
        float *g = gates + row * gates_stride;
        const float *cp = c_prev + row * prev_stride, *hp = h_prev + row * prev_stride;
        float *c_row = c + row * state_stride, *h_row = h + row * state_stride;
        if (mask && mask[row] == 0) {
            for (long j = 0; j < hidden; j++) { c_row[j] = cp[j]; h_row[j] = hp[j]; }
            continue;
        }
        rk_vsigmoid(g, g, 2 * hidden);                    // i, f
        rk_vtanh(g + 2 * hidden, g + 2 * hidden, hidden); // g
        rk_vsigmoid(g + 3 * hidden, g + 3 * hidden, hidden); // o
        const float *i = g, *f = g + hidden, *gg = g + 2 * hidden, *o = g + 3 * hidden;
        for (long j = 0; j < hidden; j++) c_row[j] = f[j] * cp[j] + i[j] * gg[j];
        rk_vtanh(c_row, tanh_c, hidden);
        for (long j = 0; j < hidden; j++) h_row[j] = o[j] * tanh_c[j];
    }
    scratch_end(&scratch);
}

void rk_lstm_backward_rows(long rows, long hidden, const float *gates, long gates_stride, const float *c,
                           const float *c_prev, long state_stride, const float *dh, long dh_stride, float *dc,
                           long dc_stride, float *dgates, long dgates_stride, const float *mask) {
    row_scratch scratch;
    float *tanh_c = scratch_begin(&scratch, hidden);
    for (long row = 0; row < rows; row++) {
        float *dg = dgates + row * dgates_stride;
        float *dc_row = dc + row * dc_stride;  // in: dL/dc_t from later steps; out: dL/dc_{t-1}
        if (mask && mask[row] == 0) {
            for (long j = 0; j < 4 * hidden; j++) dg[j] = 0;
            continue;  // dc passes through unchanged
        }
        const float *g = gates + row * gates_stride;
        const float *i = g, *f = g + hidden, *gg = g + 2 * hidden, *o = g + 3 * hidden;
        const float *c_row = c + row * state_stride, *cp = c_prev + row * state_stride;
        const float *dh_row = dh + row * dh_stride;
        rk_vtanh(c_row, tanh_c, hidden);
        float *di = dg, *df = dg + hidden, *dgg = dg + 2 * hidden, *d_o = dg + 3 * hidden;
        for (long j = 0; j < hidden; j++) {
            float t = tanh_c[j];
            float dc_total = dc_row[j] + dh_row[j] * o[j] * (1 - t * t);
            d_o[j] = dh_row[j] * t * o[j] * (1 - o[j]);
            di[j] = dc_total * gg[j] * i[j] * (1 - i[j]);
            df[j] = dc_total * cp[j] * f[j] * (1 - f[j]);
            dgg[j] = dc_total * i[j] * (1 - gg[j] * gg[j]);
            dc_row[j] = dc_total * f[j];
        }
    }
    scratch_end(&scratch);
}

void rk_gru_forward_rows(long rows, long hidden, float *input_gates, long input_stride, float *hidden_gates,
                         long hidden_stride, const float *h_prev, long prev_stride, float *h, long state_stride,
                         const float *mask) {
    for (long row = 0; row < rows; row++) {
        float *gi = input_gates + row * input_stride;  // x W_ihᵀ + b_ih; becomes [r | z | n] activations
        const float *gh = hidden_gates + row * hidden_stride;  // h W_hhᵀ + b_hh (its n block is kept)
        const float *hp = h_prev + row * prev_stride;
        float *h_row = h + row * state_stride;
        if (mask && mask[row] == 0) {
            for (long j = 0; j < hidden; j++) h_row[j] = hp[j];
            continue;
        }
        for (long j = 0; j < 2 * hidden; j++) gi[j] += gh[j];
        rk_vsigmoid(gi, gi, 2 * hidden);
        float *r = gi, *z = gi + hidden, *n = gi + 2 * hidden;
        for (long j = 0; j < hidden; j++) n[j] += r[j] * gh[2 * hidden + j];
        rk_vtanh(n, n, hidden);
        for (long j = 0; j < hidden; j++) h_row[j] = (1 - z[j]) * n[j] + z[j] * hp[j];
    }
}

void rk_gru_backward_rows(long rows, long hidden, const float *gates, long gates_stride, const float *hidden_gates,
                          long hidden_stride, const float *h_prev, long prev_stride, const float *dh, long dh_stride,
                          float *d_input_gates, float *d_hidden_gates, long dgates_stride, float *dh_prev,
                          long dh_prev_stride, const float *mask) {
    for (long row = 0; row < rows; row++) {
        float *dgi = d_input_gates + row * dgates_stride, *dgh = d_hidden_gates + row * dgates_stride;
        const float *dh_row = dh + row * dh_stride;
        float *dhp = dh_prev + row * dh_prev_stride;
        if (mask && mask[row] == 0) {
            for (long j = 0; j < 3 * hidden; j++) dgi[j] = dgh[j] = 0;
            for (long j = 0; j < hidden; j++) dhp[j] = dh_row[j];
            continue;
        }
        const float *g = gates + row * gates_stride;
        const float *r = g, *z = g + hidden, *n = g + 2 * hidden;
        const float *gh_n = hidden_gates + row * hidden_stride + 2 * hidden;
        const float *hp = h_prev + row * prev_stride;
        for (long j = 0; j < hidden; j++) {
            float dn_pre = dh_row[j] * (1 - z[j]) * (1 - n[j] * n[j]);
            float dz_pre = dh_row[j] * (hp[j] - n[j]) * z[j] * (1 - z[j]);
            float dr_pre = dn_pre * gh_n[j] * r[j] * (1 - r[j]);
            dgi[j] = dgh[j] = dr_pre;
            dgi[hidden + j] = dgh[hidden + j] = dz_pre;
            dgi[2 * hidden + j] = dn_pre;
            dgh[2 * hidden + j] = dn_pre * r[j];
            dhp[j] = dh_row[j] * z[j];  // the direct path; the caller adds dgh · W_hh
        }
    }
}

void rk_rnn_forward_rows(long rows, long hidden, int relu, float *preactivation, long pre_stride,
                         const float *h_prev, long prev_stride, float *h, long state_stride, const float *mask) {
    for (long row = 0; row < rows; row++) {
        float *a = preactivation + row * pre_stride;
        const float *hp = h_prev + row * prev_stride;
        float *h_row = h + row * state_stride;
        if (mask && mask[row] == 0) {
            for (long j = 0; j < hidden; j++) h_row[j] = hp[j];
            continue;
        }
        if (relu) {
            for (long j = 0; j < hidden; j++) h_row[j] = a[j] > 0 ? a[j] : 0;
        } else {
            rk_vtanh(a, h_row, hidden);
        }
    }
}

void rk_rnn_backward_rows(long rows, long hidden, int relu, const float *h, long state_stride, const float *dh,
                          long dh_stride, float *dpre, long dpre_stride, const float *mask) {
    for (long row = 0; row < rows; row++) {
        const float *h_row = h + row * state_stride, *dh_row = dh + row * dh_stride;
        float *d = dpre + row * dpre_stride;
        if (mask && mask[row] == 0) {
            for (long j = 0; j < hidden; j++) d[j] = 0;
            continue;
        }
        if (relu) {
            for (long j = 0; j < hidden; j++) d[j] = h_row[j] > 0 ? dh_row[j] : 0;
        } else {
            for (long j = 0; j < hidden; j++) d[j] = dh_row[j] * (1 - h_row[j] * h_row[j]);
        }
    }
}
