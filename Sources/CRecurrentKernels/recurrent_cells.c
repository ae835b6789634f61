// Elementwise work of one time step of the fused LSTM, GRU and RNN layers, for many rows
// (sequences) at once. The matrix products around them are GEMM calls made by the caller.
//
// Gate layouts are PyTorch's: an LSTM row of pre-activations is [i | f | g | o] and a GRU row
// [r | z | n], each block `hidden` wide. A `mask` (one float per row, 1 or 0; NULL = all 1)
// marks rows whose sequence has ended: their state is carried unchanged and they contribute
// no gradient. Rows are independent, so large steps are split across the kernel threads.
#include "internal.h"

#include <stdlib.h>

enum { RK_ROW_SCRATCH = 4096, RK_MIN_PARALLEL_ELEMENTS = 1 << 11 };

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

/// Runs `body(context, begin, end)` over [0, rows) in near-equal row ranges, one per task.
typedef void (*row_range_fn)(const void *context, long begin, long end);
typedef struct {
    row_range_fn body;
    const void *context;
    long rows;
} row_job;

static void row_task(void *context, int task, int tasks) {
    const row_job *job = context;
    long begin = job->rows * task / tasks, end = job->rows * (task + 1) / tasks;
    if (begin < end) job->body(job->context, begin, end);
}

static void for_row_ranges(long rows, long work_per_row, row_range_fn body, const void *context) {
    int tasks = rows * work_per_row >= RK_MIN_PARALLEL_ELEMENTS ? rk_num_threads() : 1;
    if (tasks > rows) tasks = (int)rows;
    if (tasks <= 1) {
        if (rows > 0) body(context, 0, rows);
        return;
    }
    row_job job = {body, context, rows};
    rk_parallel_run(row_task, &job, tasks);
}

// MARK: - LSTM

typedef struct {
    long hidden, gates_stride, prev_stride, state_stride;
    float *gates;
    const float *c_prev, *h_prev;
    float *c, *h;
    const float *mask;
} lstm_forward_args;

static void lstm_forward_range(const void *context, long begin, long end) {
    const lstm_forward_args *a = context;
    const long hidden = a->hidden;
    row_scratch scratch;
    float *tanh_c = scratch_begin(&scratch, hidden);
    for (long row = begin; row < end; row++) {
        float *g = a->gates + row * a->gates_stride;
        const float *cp = a->c_prev + row * a->prev_stride, *hp = a->h_prev + row * a->prev_stride;
        float *c_row = a->c + row * a->state_stride, *h_row = a->h + row * a->state_stride;
        if (a->mask && a->mask[row] == 0) {
            for (long j = 0; j < hidden; j++) { c_row[j] = cp[j]; h_row[j] = hp[j]; }
            continue;
        }
        rk_vsigmoid(g, g, 2 * hidden);                        // i, f
        rk_vtanh(g + 2 * hidden, g + 2 * hidden, hidden);     // g
        rk_vsigmoid(g + 3 * hidden, g + 3 * hidden, hidden);  // o
        const float *i = g, *f = g + hidden, *gg = g + 2 * hidden, *o = g + 3 * hidden;
        for (long j = 0; j < hidden; j++) c_row[j] = f[j] * cp[j] + i[j] * gg[j];
        rk_vtanh(c_row, tanh_c, hidden);
        for (long j = 0; j < hidden; j++) h_row[j] = o[j] * tanh_c[j];
    }
    scratch_end(&scratch);
}

void rk_lstm_forward_rows(long rows, long hidden, float *gates, long gates_stride, const float *c_prev,
                          const float *h_prev, long prev_stride, float *c, float *h, long state_stride,
                          const float *mask) {
    lstm_forward_args args = {hidden, gates_stride, prev_stride, state_stride, gates, c_prev, h_prev, c, h, mask};
    for_row_ranges(rows, 4 * hidden, lstm_forward_range, &args);
}

typedef struct {
    long hidden, gates_stride, state_stride;
    const float *gates, *c, *c_prev, *d_output;
    float *dh_next, *dc, *dgates;
    const float *mask;
} lstm_backward_args;

static void lstm_backward_range(const void *context, long begin, long end) {
    const lstm_backward_args *a = context;
    const long hidden = a->hidden;
    row_scratch scratch;
    float *tanh_c = scratch_begin(&scratch, hidden);
    for (long row = begin; row < end; row++) {
        float *dg = a->dgates + row * a->gates_stride;
        float *dc_row = a->dc + row * a->state_stride;  // in: dL/dc_t from later steps; out: dL/dc_{t-1}
        float *dh_next = a->dh_next + row * a->state_stride;
        const float *d_out = a->d_output + row * a->state_stride;
        if (a->mask && a->mask[row] == 0) {
            // Ended: h and c pass through unchanged, so their gradients do too.
            for (long j = 0; j < 4 * hidden; j++) dg[j] = 0;
            for (long j = 0; j < hidden; j++) dh_next[j] += d_out[j];
            continue;
        }
        const float *g = a->gates + row * a->gates_stride;
        const float *i = g, *f = g + hidden, *gg = g + 2 * hidden, *o = g + 3 * hidden;
        const float *c_row = a->c + row * a->state_stride, *cp = a->c_prev + row * a->state_stride;
        rk_vtanh(c_row, tanh_c, hidden);
        float *di = dg, *df = dg + hidden, *dgg = dg + 2 * hidden, *d_o = dg + 3 * hidden;
        for (long j = 0; j < hidden; j++) {
            float dh = d_out[j] + dh_next[j], t = tanh_c[j];
            float dc_total = dc_row[j] + dh * o[j] * (1 - t * t);
            d_o[j] = dh * t * o[j] * (1 - o[j]);
            di[j] = dc_total * gg[j] * i[j] * (1 - i[j]);
            df[j] = dc_total * cp[j] * f[j] * (1 - f[j]);
            dgg[j] = dc_total * i[j] * (1 - gg[j] * gg[j]);
            dc_row[j] = dc_total * f[j];
            dh_next[j] = 0;  // h_{t-1} reaches the loss only through the gates: the caller adds dgates · W_hh
        }
    }
    scratch_end(&scratch);
}

void rk_lstm_backward_rows(long rows, long hidden, const float *gates, const float *c, const float *c_prev,
                           const float *d_output, float *dh_next, float *dc, float *dgates, const float *mask) {
    lstm_backward_args args = {hidden, 4 * hidden, hidden, gates, c, c_prev, d_output, dh_next, dc, dgates, mask};
    for_row_ranges(rows, 4 * hidden, lstm_backward_range, &args);
}

// MARK: - GRU

typedef struct {
    long hidden, gates_stride, prev_stride, state_stride;
    float *input_gates, *hidden_gates;
    const float *h_prev;
    float *h;
    const float *mask;
} gru_forward_args;

static void gru_forward_range(const void *context, long begin, long end) {
    const gru_forward_args *a = context;
    const long hidden = a->hidden;
    for (long row = begin; row < end; row++) {
        float *gi = a->input_gates + row * a->gates_stride;          // x W_ihᵀ + b_ih; becomes [r | z | n]
        const float *gh = a->hidden_gates + row * a->gates_stride;   // h W_hhᵀ + b_hh (its n block is kept)
        const float *hp = a->h_prev + row * a->prev_stride;
        float *h_row = a->h + row * a->state_stride;
        if (a->mask && a->mask[row] == 0) {
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

void rk_gru_forward_rows(long rows, long hidden, float *input_gates, float *hidden_gates, const float *h_prev,
                         long prev_stride, float *h, const float *mask) {
    gru_forward_args args = {hidden, 3 * hidden, prev_stride, hidden, input_gates, hidden_gates, h_prev, h, mask};
    for_row_ranges(rows, 3 * hidden, gru_forward_range, &args);
}

typedef struct {
    long hidden, gates_stride, prev_stride, state_stride;
    const float *gates, *hidden_gates, *h_prev, *d_output;
    float *dh_next, *d_input_gates, *d_hidden_gates;
    const float *mask;
} gru_backward_args;

static void gru_backward_range(const void *context, long begin, long end) {
    const gru_backward_args *a = context;
    const long hidden = a->hidden;
    for (long row = begin; row < end; row++) {
        float *dgi = a->d_input_gates + row * a->gates_stride, *dgh = a->d_hidden_gates + row * a->gates_stride;
        const float *d_out = a->d_output + row * a->state_stride;
        float *dh_next = a->dh_next + row * a->state_stride;
        if (a->mask && a->mask[row] == 0) {
            for (long j = 0; j < 3 * hidden; j++) dgi[j] = dgh[j] = 0;
            for (long j = 0; j < hidden; j++) dh_next[j] += d_out[j];
            continue;
        }
        const float *g = a->gates + row * a->gates_stride;
        const float *r = g, *z = g + hidden, *n = g + 2 * hidden;
        const float *gh_n = a->hidden_gates + row * a->gates_stride + 2 * hidden;
        const float *hp = a->h_prev + row * a->prev_stride;
        for (long j = 0; j < hidden; j++) {
            float dh = d_out[j] + dh_next[j];
            float dn_pre = dh * (1 - z[j]) * (1 - n[j] * n[j]);
            float dz_pre = dh * (hp[j] - n[j]) * z[j] * (1 - z[j]);
            float dr_pre = dn_pre * gh_n[j] * r[j] * (1 - r[j]);
            dgi[j] = dgh[j] = dr_pre;
            dgi[hidden + j] = dgh[hidden + j] = dz_pre;
            dgi[2 * hidden + j] = dn_pre;
            dgh[2 * hidden + j] = dn_pre * r[j];
            dh_next[j] = dh * z[j];  // the direct path; the caller adds dgh · W_hh
        }
    }
}

void rk_gru_backward_rows(long rows, long hidden, const float *gates, const float *hidden_gates, const float *h_prev,
                          long prev_stride, const float *d_output, float *dh_next, float *d_input_gates,
                          float *d_hidden_gates, const float *mask) {
    gru_backward_args args = {hidden, 3 * hidden, prev_stride, hidden, gates, hidden_gates, h_prev, d_output, dh_next,
                              d_input_gates, d_hidden_gates, mask};
    for_row_ranges(rows, 3 * hidden, gru_backward_range, &args);
}

// MARK: - Elman RNN

typedef struct {
    long hidden, prev_stride;
    int relu;
    float *preactivation;
    const float *h_prev;
    float *h;
    const float *mask;
} rnn_forward_args;

static void rnn_forward_range(const void *context, long begin, long end) {
    const rnn_forward_args *a = context;
    const long hidden = a->hidden;
    for (long row = begin; row < end; row++) {
        float *pre = a->preactivation + row * hidden;
        const float *hp = a->h_prev + row * a->prev_stride;
        float *h_row = a->h + row * hidden;
        if (a->mask && a->mask[row] == 0) {
            for (long j = 0; j < hidden; j++) h_row[j] = hp[j];
        } else if (a->relu) {
            for (long j = 0; j < hidden; j++) h_row[j] = pre[j] > 0 ? pre[j] : 0;
        } else {
            rk_vtanh(pre, h_row, hidden);
        }
    }
}

void rk_rnn_forward_rows(long rows, long hidden, int relu, float *preactivation, const float *h_prev, long prev_stride,
                         float *h, const float *mask) {
    rnn_forward_args args = {hidden, prev_stride, relu, preactivation, h_prev, h, mask};
    for_row_ranges(rows, hidden, rnn_forward_range, &args);
}

typedef struct {
    long hidden;
    int relu;
    const float *h, *d_output;
    float *dh_next, *dpre;
    const float *mask;
} rnn_backward_args;

static void rnn_backward_range(const void *context, long begin, long end) {
    const rnn_backward_args *a = context;
    const long hidden = a->hidden;
    for (long row = begin; row < end; row++) {
        const float *h_row = a->h + row * hidden, *d_out = a->d_output + row * hidden;
        float *d = a->dpre + row * hidden, *dh_next = a->dh_next + row * hidden;
        if (a->mask && a->mask[row] == 0) {
            for (long j = 0; j < hidden; j++) {
                d[j] = 0;
                dh_next[j] += d_out[j];
            }
        } else if (a->relu) {
            for (long j = 0; j < hidden; j++) {
                d[j] = h_row[j] > 0 ? d_out[j] + dh_next[j] : 0;
                dh_next[j] = 0;
            }
        } else {
            for (long j = 0; j < hidden; j++) {
                d[j] = (d_out[j] + dh_next[j]) * (1 - h_row[j] * h_row[j]);
                dh_next[j] = 0;
            }
        }
    }
}

void rk_rnn_backward_rows(long rows, long hidden, int relu, const float *h, const float *d_output, float *dh_next,
                          float *dpre, const float *mask) {
    rnn_backward_args args = {hidden, relu, h, d_output, dh_next, dpre, mask};
    for_row_ranges(rows, hidden, rnn_backward_range, &args);
}
