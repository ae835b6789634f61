// Elementwise work of one time step of the fused LSTM, GRU and RNN layers, for many rows
// (sequences) at once. The matrix products around them are GEMM calls made by the caller.
//
// Gate layouts are PyTorch's: an LSTM row of pre-activations is [i | f | g | o] and a GRU row
// [r | z | n], each block `hidden` wide. A `mask` (one float per row, 1 or 0; NULL = all 1)
// marks rows whose sequence has ended: their state is carried unchanged and they contribute
// no gradient. Rows are independent, so large steps are split across the kernel threads.
#include "internal.h"

#include <sched.h>
#include <stdatomic.h>

enum { RK_MIN_PARALLEL_ELEMENTS = 1 << 11, RK_MIN_PARALLEL_STEP_FMAS = 1 << 16 };

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
    // Inside a parallel region (a band of rows running its own time loop) the tasks would run
    // one after the other here anyway.
    int tasks = rows * work_per_row >= RK_MIN_PARALLEL_ELEMENTS && !rk_in_parallel_region() ? rk_num_threads() : 1;
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

/// The LSTM cell for the hidden units [u0, u1) of one row: `g` is the row's [i|f|g|o], whose
/// part for these units becomes the activations.
static void lstm_units(float *g, long hidden, const float *cp, const float *hp, float *c_row, float *h_row, int ended,
                       long u0, long u1) {
    if (ended) {
        for (long j = u0; j < u1; j++) { c_row[j] = cp[j]; h_row[j] = hp[j]; }
        return;
    }
    rk_lstm_cell_forward(g + u0, g + hidden + u0, g + 2 * hidden + u0, g + 3 * hidden + u0, cp + u0, c_row + u0, h_row + u0,
                         u1 - u0);
}

static void lstm_forward_range(const void *context, long begin, long end) {
    const lstm_forward_args *a = context;
    for (long row = begin; row < end; row++)
        lstm_units(a->gates + row * a->gates_stride, a->hidden, a->c_prev + row * a->prev_stride,
                   a->h_prev + row * a->prev_stride, a->c + row * a->state_stride, a->h + row * a->state_stride,
                   a->mask && a->mask[row] == 0, 0, a->hidden);
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
        // h_{t-1} reaches the loss only through the gates: dh_next becomes 0, and the caller adds dgates · W_hh.
        const float *g = a->gates + row * a->gates_stride;
        rk_lstm_cell_backward(g, g + hidden, g + 2 * hidden, g + 3 * hidden, a->c + row * a->state_stride,
                              a->c_prev + row * a->state_stride, d_out, dh_next, dc_row, dg, dg + hidden, dg + 2 * hidden,
                              dg + 3 * hidden, hidden);
    }
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

/// The GRU cell for the hidden units [u0, u1) of one row: `gi` (x W_ihᵀ + b_ih) becomes [r | z | n]
/// there; `gh` is h W_hhᵀ + b_hh (its n block is kept for the backward pass).
static void gru_units(float *gi, const float *gh, long hidden, const float *hp, float *h_row, int ended, long u0,
                      long u1) {
    if (ended) {
        for (long j = u0; j < u1; j++) h_row[j] = hp[j];
        return;
    }
    rk_gru_cell_forward(gi + u0, gi + hidden + u0, gi + 2 * hidden + u0, gh + u0, gh + hidden + u0, gh + 2 * hidden + u0,
                        hp + u0, h_row + u0, u1 - u0);
}

static void gru_forward_range(const void *context, long begin, long end) {
    const gru_forward_args *a = context;
    for (long row = begin; row < end; row++)
        gru_units(a->input_gates + row * a->gates_stride, a->hidden_gates + row * a->gates_stride, a->hidden,
                  a->h_prev + row * a->prev_stride, a->h + row * a->state_stride, a->mask && a->mask[row] == 0, 0,
                  a->hidden);
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
        const float *gh_n = a->hidden_gates + row * a->gates_stride + 2 * hidden;
        // dh_next keeps the direct path z·dh; the caller adds dgh · W_hh.
        rk_gru_cell_backward(g, g + hidden, g + 2 * hidden, gh_n, a->h_prev + row * a->prev_stride, d_out, dh_next, dgi,
                             dgi + hidden, dgi + 2 * hidden, dgh, dgh + hidden, dgh + 2 * hidden, hidden);
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

/// The Elman cell for the hidden units [u0, u1) of one row.
static void rnn_units(const float *pre, int relu, const float *hp, float *h_row, int ended, long u0, long u1) {
    if (ended) {
        for (long j = u0; j < u1; j++) h_row[j] = hp[j];
    } else if (relu) {
        for (long j = u0; j < u1; j++) h_row[j] = pre[j] > 0 ? pre[j] : 0;
    } else {
        rk_vtanh(pre + u0, h_row + u0, u1 - u0);
    }
}

static void rnn_forward_range(const void *context, long begin, long end) {
    const rnn_forward_args *a = context;
    const long hidden = a->hidden;
    for (long row = begin; row < end; row++)
        rnn_units(a->preactivation + row * hidden, a->relu, a->h_prev + row * a->prev_stride, a->h + row * hidden,
                  a->mask && a->mask[row] == 0, 0, hidden);
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

// MARK: - A whole sequence for a few rows, recurrent products included

enum { RK_STEP_UNIT_CHUNK = 8, RK_STEP_MAX_PARTS = 64, RK_STEP_SPINS = 2048 };

/// A part of every step: a range of hidden units. `step` is the last step it was claimed for.
typedef struct {
    _Atomic long step;
    char padding[64 - sizeof(long)];  // one cache line each: each is written by its own thread
} step_claim;

typedef struct {
    rk_cell cell;
    long length, rows, hidden, blocks, unit_chunks, parts;
    int reverse;
    const float *w_hh, *w_hh_dots, *h0, *c0, *mask;
    float *gates, *hidden_gates, *h, *c;
    _Atomic long done;  // parts finished, over all steps
    step_claim claims[RK_STEP_MAX_PARTS];
} sequence_job;

/// Step `step` for the hidden units [u0, u1): this task's rows of every gate block of W_hh times
/// h_{t-1}, then the cell for these units.
static void sequence_step_units(const sequence_job *job, long step, long u0, long u1) {
    const long hidden = job->hidden, rows = job->rows, blocks = job->blocks, gates_stride = blocks * hidden;
    const long t = job->reverse ? job->length - 1 - step : step;
    const long previous = job->reverse ? t + 1 : t - 1;
    const float *hp = step == 0 ? job->h0 : job->h + previous * rows * hidden;
    const float *cp = job->cell != RK_CELL_LSTM ? NULL : step == 0 ? job->c0 : job->c + previous * rows * hidden;
    float *gates = job->gates + t * rows * gates_stride;
    float *product = job->cell == RK_CELL_GRU ? job->hidden_gates + t * rows * gates_stride : gates;
    float *h = job->h + t * rows * hidden, *c = job->cell == RK_CELL_LSTM ? job->c + t * rows * hidden : NULL;
    const float *mask = job->mask ? job->mask + t * rows : NULL;
    // Sweep W_hh forwards and backwards on alternate steps, so that each step starts on the rows
    // the previous one read last, which are still in this core's cache.
    const int backwards = (int)(step & 1);
    // In the dot-product layout a group of 8 rows takes ceil(hidden / 8) tiles of 64 floats, and a
    // gate block ceil(hidden / 8) groups; u0 is a multiple of 8 (RK_STEP_UNIT_CHUNK), a group's first row.
    const long group_floats = (hidden + 7) / 8 * 64, block_groups = (hidden + 7) / 8;
    for (long b = 0; b < blocks; b++) {
        const long block = backwards ? blocks - 1 - b : b;
        if (job->w_hh_dots) {
            rk_dots_packed_accumulate(rows, u1 - u0, hidden, hp, job->w_hh_dots + (block * block_groups + u0 / 8) * group_floats,
                                      product + block * hidden + u0, gates_stride, backwards);
        } else {
            rk_small_m_dots_accumulate(rows, u1 - u0, hidden, hp, job->w_hh + (block * hidden + u0) * hidden, hidden,
                                       product + block * hidden + u0, gates_stride, backwards);
        }
    }
    for (long row = 0; row < rows; row++) {
        const int ended = mask && mask[row] == 0;
        float *g = gates + row * gates_stride, *h_row = h + row * hidden;
        const float *hp_row = hp + row * hidden;
        switch (job->cell) {
        case RK_CELL_LSTM:
            lstm_units(g, hidden, cp + row * hidden, hp_row, c + row * hidden, h_row, ended, u0, u1);
            break;
        case RK_CELL_GRU: gru_units(g, product + row * gates_stride, hidden, hp_row, h_row, ended, u0, u1); break;
        case RK_CELL_RNN_TANH:
        case RK_CELL_RNN_RELU: rnn_units(g, job->cell == RK_CELL_RNN_RELU, hp_row, h_row, ended, u0, u1); break;
        }
    }
}

/// Claims part `part` for step `step` (each part is claimed once per step, in step order).
static int claim_part(sequence_job *job, long part, long step) {
    long expected = step - 1;
    // Look before taking: a failed compare-and-swap still takes the cache line from its owner.
    if (atomic_load_explicit(&job->claims[part].step, memory_order_relaxed) != expected) return 0;
    return atomic_compare_exchange_strong_explicit(&job->claims[part].step, &expected, step, memory_order_acq_rel,
                                                   memory_order_relaxed);
}

static void run_part(sequence_job *job, long part, long step) {
    const long u0 = job->unit_chunks * part / job->parts * RK_STEP_UNIT_CHUNK;
    long u1 = job->unit_chunks * (part + 1) / job->parts * RK_STEP_UNIT_CHUNK;
    if (u1 > job->hidden) u1 = job->hidden;
    if (u0 < u1) sequence_step_units(job, step, u0, u1);
    atomic_fetch_add_explicit(&job->done, 1, memory_order_release);
}

/// Task k owns part k of every step and claims and runs it first (so the same rows of W_hh stay
/// in the same core's cache), then takes any part of the step nobody has claimed yet, then waits
/// until every part of the step is done: step t + 1 reads all of h_t. A part is taken from its
/// owner only when the owner has not even started the step (it lost its core to another
/// process), so a descheduled thread holds a step up only if it has claimed its part and not
/// finished it. With one thread, or tasks run one after another, the first task does everything
/// and the rest find it done.
static void sequence_task(void *context, int task, int tasks) {
    sequence_job *job = context;
    for (long step = 0; step < job->length; step++) {
        for (long k = 0; k < tasks; k++) {
            const long part = (task + k) % tasks;  // its own part first, then the others'
            if (claim_part(job, part, step)) run_part(job, part, step);
        }
        const long target = (step + 1) * tasks;
        for (unsigned spins = 1; atomic_load_explicit(&job->done, memory_order_acquire) < target; spins++) {
            if (spins < RK_STEP_SPINS) RK_PAUSE();
            else sched_yield();  // the part's owner may have lost its core
        }
    }
}

void rk_recurrent_forward_sequence(rk_cell cell, long length, long rows, long hidden, const float *w_hh,
                                   const float *w_hh_dots, float *gates,
                                   float *hidden_gates, const float *h0, const float *c0, float *h, float *c,
                                   const float *mask, int reverse) {
    if (length <= 0 || rows <= 0 || hidden <= 0) return;
    const long blocks = cell == RK_CELL_LSTM ? 4 : cell == RK_CELL_GRU ? 3 : 1;
    const long chunks = (hidden + RK_STEP_UNIT_CHUNK - 1) / RK_STEP_UNIT_CHUNK;
    int tasks = (double)rows * blocks * hidden * hidden >= RK_MIN_PARALLEL_STEP_FMAS ? rk_num_threads() : 1;
    const long cpus = rk_cpu_count();  // threads wait for each other's parts: one per core at most
    if (tasks > cpus) tasks = (int)cpus;
    if (tasks > chunks) tasks = (int)chunks;
    if (tasks > RK_STEP_MAX_PARTS) tasks = RK_STEP_MAX_PARTS;
    sequence_job job = {cell, length, rows, hidden, blocks, chunks, tasks, reverse != 0, w_hh, w_hh_dots, h0, c0, mask, gates,
                        hidden_gates, h, c};  // one part per task
    atomic_init(&job.done, 0);
    for (long part = 0; part < tasks; part++) atomic_init(&job.claims[part].step, -1);
    if (tasks <= 1) sequence_task(&job, 0, 1);
    else rk_parallel_run(sequence_task, &job, tasks);
}
