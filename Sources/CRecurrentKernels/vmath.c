// Vector math: run-time dispatch, the portable C kernels, and the row operations (log-sum-exp,
// softmax, log-softmax) written once on top of each instruction set's `max` and `exp_sum`.
//
// Accuracy is measured by an exhaustive sweep of all 2^32 inputs against the double-precision
// libm result; the figures are quoted above each public function. An ulp here is the spacing of
// floats at the exact result (2^-149 for subnormal results).
#include "vmath_internal.h"

#include <math.h>

// MARK: - Portable C kernels

static void exp_generic(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = rk_exp_scalar(x[i]);
}

static void tanh_generic(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = rk_tanh_scalar(x[i]);
}

static void sigmoid_generic(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = rk_sigmoid_scalar(x[i]);
}

static void log_generic(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = rk_log_scalar(x[i]);
}

static float max_generic(const float *x, long n) {
    float best = -INFINITY;
    int has_nan = 0;
    for (long i = 0; i < n; i++) {
        best = x[i] > best ? x[i] : best;
        has_nan |= x[i] != x[i];
    }
    return has_nan ? NAN : best;
}

static double exp_sum_generic(const float *x, float *y, long n, float shift) {
    double sum = 0;
    for (long i = 0; i < n; i++) {
        float e = rk_exp_scalar(x[i] - shift);
        if (y) y[i] = e;
        sum += e;
    }
    return sum;
}

void rk_lstm_forward_generic(float *i, float *f, float *g, float *o, const float *c_prev, float *c, float *h, long n) {
    for (long j = 0; j < n; j++) {
        i[j] = rk_sigmoid_scalar(i[j]);
        f[j] = rk_sigmoid_scalar(f[j]);
        g[j] = rk_tanh_scalar(g[j]);
        o[j] = rk_sigmoid_scalar(o[j]);
        c[j] = f[j] * c_prev[j] + i[j] * g[j];
        h[j] = o[j] * rk_tanh_scalar(c[j]);
    }
}

void rk_lstm_backward_generic(const float *i, const float *f, const float *g, const float *o, const float *c,
                              const float *c_prev, const float *d_output, float *dh_next, float *dc, float *di, float *df,
                              float *dg, float *d_o, long n) {
    for (long j = 0; j < n; j++) {
        const float dh = d_output[j] + dh_next[j], t = rk_tanh_scalar(c[j]);
        const float dc_total = dc[j] + dh * o[j] * (1 - t * t);
        d_o[j] = dh * t * o[j] * (1 - o[j]);
        di[j] = dc_total * g[j] * i[j] * (1 - i[j]);
        df[j] = dc_total * c_prev[j] * f[j] * (1 - f[j]);
        dg[j] = dc_total * i[j] * (1 - g[j] * g[j]);
        dc[j] = dc_total * f[j];
        dh_next[j] = 0;
    }
}

void rk_gru_forward_generic(float *r, float *z, float *n, const float *gh_r, const float *gh_z, const float *gh_n,
                            const float *h_prev, float *h, long count) {
    for (long j = 0; j < count; j++) {
        r[j] = rk_sigmoid_scalar(r[j] + gh_r[j]);
        z[j] = rk_sigmoid_scalar(z[j] + gh_z[j]);
        n[j] = rk_tanh_scalar(n[j] + r[j] * gh_n[j]);
        h[j] = (1 - z[j]) * n[j] + z[j] * h_prev[j];
    }
}

void rk_gru_backward_generic(const float *r, const float *z, const float *n, const float *gh_n, const float *h_prev,
                             const float *d_output, float *dh_next, float *dgi_r, float *dgi_z, float *dgi_n, float *dgh_r,
                             float *dgh_z, float *dgh_n, long count) {
    for (long j = 0; j < count; j++) {
        const float dh = d_output[j] + dh_next[j];
        const float dn = dh * (1 - z[j]) * (1 - n[j] * n[j]);
        const float dz = dh * (h_prev[j] - n[j]) * z[j] * (1 - z[j]);
        const float dr = dn * gh_n[j] * r[j] * (1 - r[j]);
        dgi_r[j] = dgh_r[j] = dr;
        dgi_z[j] = dgh_z[j] = dz;
        dgi_n[j] = dn;
        dgh_n[j] = dn * r[j];
        dh_next[j] = dh * z[j];
    }
}

const rk_vmath_kernels rk_vmath_generic = {
    exp_generic, tanh_generic, sigmoid_generic, log_generic, max_generic, exp_sum_generic,
    rk_lstm_forward_generic, rk_lstm_backward_generic, rk_gru_forward_generic, rk_gru_backward_generic,
    rk_adam_update_generic,
};

// MARK: - Dispatch

/// The kernels for `isa`, which this CPU must support.
static const rk_vmath_kernels *kernels_for(rk_isa isa) {
    switch (isa) {
#if RK_X86
    case RK_ISA_AVX512: return &rk_vmath_avx512;
    case RK_ISA_AVX2: return &rk_vmath_avx2;
#endif
#if RK_ARM64
    case RK_ISA_NEON: return &rk_vmath_neon;
#endif
    default: return &rk_vmath_generic;
    }
}

/// The active instruction set's kernels (always supported).
static const rk_vmath_kernels *active(void) { return kernels_for(rk_isa_current()); }

/// The kernels for a caller-chosen `isa`, or the generic ones when this CPU cannot run it.
static const rk_vmath_kernels *checked(rk_isa isa) {
    return rk_isa_supported(isa) ? kernels_for(isa) : &rk_vmath_generic;
}

// Max errors over all 2^32 inputs (the measure is described in CRecurrentKernels.h):
//
//   function  generic  avx2   avx512  neon
//   exp       0.99     1.01   1.01    1.00
//   tanh      1.33     1.33   1.33    1.30
//   sigmoid   2.40     2.40   2.40    2.30
//   log       0.92     0.93   0.93    0.92
//
// AVX-512 was measured through a scalar emulation of its intrinsics (the machine had none), NEON
// under qemu on every 61st input only.

void rk_vexp(const float *x, float *y, long n) {
    if (n > 0) active()->exp(x, y, n);
}

void rk_vtanh(const float *x, float *y, long n) {
    if (n > 0) active()->tanh(x, y, n);
}

void rk_vsigmoid(const float *x, float *y, long n) {
    if (n > 0) active()->sigmoid(x, y, n);
}

void rk_vlog(const float *x, float *y, long n) {
    if (n > 0) active()->log(x, y, n);
}

void rk_vexp_isa(rk_isa isa, const float *x, float *y, long n) {
    if (n > 0) checked(isa)->exp(x, y, n);
}

void rk_vtanh_isa(rk_isa isa, const float *x, float *y, long n) {
    if (n > 0) checked(isa)->tanh(x, y, n);
}

void rk_vsigmoid_isa(rk_isa isa, const float *x, float *y, long n) {
    if (n > 0) checked(isa)->sigmoid(x, y, n);
}

void rk_vlog_isa(rk_isa isa, const float *x, float *y, long n) {
    if (n > 0) checked(isa)->log(x, y, n);
}

// MARK: - Row operations

/// Number of elements equal to +inf.
static long count_positive_infinities(const float *x, long n) {
    long count = 0;
    for (long i = 0; i < n; i++) count += x[i] == INFINITY;
    return count;
}

static void fill(float *y, long n, float value) {
    for (long i = 0; i < n; i++) y[i] = value;
}

static float logsumexp(const rk_vmath_kernels *k, const float *x, long n) {
    if (n <= 0) return -INFINITY;
    float max = k->max(x, n);
    if (!isfinite(max)) return max;  // NaN, all -inf, or some +inf
    double sum = k->exp_sum(x, NULL, n, max);  // >= 1: the maximum contributes exp(0)
    return (float)((double)max + log(sum));
}

// A row whose maximum is not finite has no max-shifted form; its result is defined here:
//   any NaN          -> the whole row is NaN;
//   all -inf         -> softmax 0 everywhere, log-softmax -inf everywhere (PyTorch gives NaN;
//                       a defined value keeps a fully masked row from poisoning a batch);
//   some +inf        -> the +inf entries share the mass equally (1/count), the others get 0.
static void softmax_rows(const rk_vmath_kernels *k, const float *x, float *y, long rows, long cols) {
    if (rows <= 0 || cols <= 0) return;
    for (long row = 0; row < rows; row++) {
        const float *in = x + row * cols;
        float *out = y + row * cols;
        float max = k->max(in, cols);
        if (isnan(max)) {
            fill(out, cols, NAN);
        } else if (max == -INFINITY) {
            fill(out, cols, 0);
        } else if (max == INFINITY) {
            float share = (float)(1.0 / (double)count_positive_infinities(in, cols));
            for (long i = 0; i < cols; i++) out[i] = in[i] == INFINITY ? share : 0.0f;
        } else {
            float scale = (float)(1.0 / k->exp_sum(in, out, cols, max));
            for (long i = 0; i < cols; i++) out[i] *= scale;
        }
    }
}

static void log_softmax_rows(const rk_vmath_kernels *k, const float *x, float *y, long rows, long cols) {
    if (rows <= 0 || cols <= 0) return;
    for (long row = 0; row < rows; row++) {
        const float *in = x + row * cols;
        float *out = y + row * cols;
        float max = k->max(in, cols);
        if (isnan(max)) {
            fill(out, cols, NAN);
        } else if (max == -INFINITY) {
            fill(out, cols, -INFINITY);
        } else if (max == INFINITY) {
            float share = (float)-log((double)count_positive_infinities(in, cols));
            for (long i = 0; i < cols; i++) out[i] = in[i] == INFINITY ? share : -INFINITY;
        } else {
            float log_sum = (float)log(k->exp_sum(in, NULL, cols, max));
            // (x - max) is exact near the maximum, where the result is small and needs it.
            for (long i = 0; i < cols; i++) out[i] = (in[i] - max) - log_sum;
        }
    }
}

float rk_logsumexp(const float *x, long n) { return logsumexp(active(), x, n); }

void rk_softmax_rows(const float *x, float *y, long rows, long cols) { softmax_rows(active(), x, y, rows, cols); }

void rk_log_softmax_rows(const float *x, float *y, long rows, long cols) {
    log_softmax_rows(active(), x, y, rows, cols);
}

float rk_logsumexp_isa(rk_isa isa, const float *x, long n) { return logsumexp(checked(isa), x, n); }

void rk_softmax_rows_isa(rk_isa isa, const float *x, float *y, long rows, long cols) {
    softmax_rows(checked(isa), x, y, rows, cols);
}

void rk_log_softmax_rows_isa(rk_isa isa, const float *x, float *y, long rows, long cols) {
    log_softmax_rows(checked(isa), x, y, rows, cols);
}

// MARK: - LSTM cell

void rk_lstm_cell_forward(float *i, float *f, float *g, float *o, const float *c_prev, float *c, float *h, long n) {
    if (n > 0) active()->lstm_forward(i, f, g, o, c_prev, c, h, n);
}

void rk_lstm_cell_backward(const float *i, const float *f, const float *g, const float *o, const float *c, const float *c_prev,
                           const float *d_output, float *dh_next, float *dc, float *di, float *df, float *dg, float *d_o,
                           long n) {
    if (n > 0) active()->lstm_backward(i, f, g, o, c, c_prev, d_output, dh_next, dc, di, df, dg, d_o, n);
}

void rk_lstm_cell_forward_isa(rk_isa isa, float *i, float *f, float *g, float *o, const float *c_prev, float *c, float *h,
                              long n) {
    if (n > 0) checked(isa)->lstm_forward(i, f, g, o, c_prev, c, h, n);
}

void rk_lstm_cell_backward_isa(rk_isa isa, const float *i, const float *f, const float *g, const float *o, const float *c,
                               const float *c_prev, const float *d_output, float *dh_next, float *dc, float *di, float *df,
                               float *dg, float *d_o, long n) {
    if (n > 0) checked(isa)->lstm_backward(i, f, g, o, c, c_prev, d_output, dh_next, dc, di, df, dg, d_o, n);
}

// MARK: - GRU cell

void rk_gru_cell_forward(float *r, float *z, float *n, const float *gh_r, const float *gh_z, const float *gh_n,
                         const float *h_prev, float *h, long count) {
    if (count > 0) active()->gru_forward(r, z, n, gh_r, gh_z, gh_n, h_prev, h, count);
}

void rk_gru_cell_backward(const float *r, const float *z, const float *n, const float *gh_n, const float *h_prev,
                          const float *d_output, float *dh_next, float *dgi_r, float *dgi_z, float *dgi_n, float *dgh_r,
                          float *dgh_z, float *dgh_n, long count) {
    if (count > 0)
        active()->gru_backward(r, z, n, gh_n, h_prev, d_output, dh_next, dgi_r, dgi_z, dgi_n, dgh_r, dgh_z, dgh_n, count);
}

void rk_gru_cell_forward_isa(rk_isa isa, float *r, float *z, float *n, const float *gh_r, const float *gh_z, const float *gh_n,
                             const float *h_prev, float *h, long count) {
    if (count > 0) checked(isa)->gru_forward(r, z, n, gh_r, gh_z, gh_n, h_prev, h, count);
}

void rk_gru_cell_backward_isa(rk_isa isa, const float *r, const float *z, const float *n, const float *gh_n, const float *h_prev,
                              const float *d_output, float *dh_next, float *dgi_r, float *dgi_z, float *dgi_n, float *dgh_r,
                              float *dgh_z, float *dgh_n, long count) {
    if (count > 0)
        checked(isa)->gru_backward(r, z, n, gh_n, h_prev, d_output, dh_next, dgi_r, dgi_z, dgi_n, dgh_r, dgh_z, dgh_n, count);
}

// MARK: - Adam

void rk_adam_update(long count, float *parameter, const float *gradient, float *exp_avg, float *exp_avg_sq,
                    float *max_exp_avg_sq, const rk_adam_step *step) {
    if (count > 0) active()->adam_update(count, parameter, gradient, exp_avg, exp_avg_sq, max_exp_avg_sq, step);
}

void rk_adam_update_isa(rk_isa isa, long count, float *parameter, const float *gradient, float *exp_avg,
                        float *exp_avg_sq, float *max_exp_avg_sq, const rk_adam_step *step) {
    if (count > 0) checked(isa)->adam_update(count, parameter, gradient, exp_avg, exp_avg_sq, max_exp_avg_sq, step);
}
