// Optimizer updates: the portable kernels (vmath.c dispatches to each instruction set's own).
#include "vmath_internal.h"

#include <math.h>

/// ATen's `lerp`: start + weight (end - start), computed from the nearer end so that the result
/// is exact at weight 0 and 1, with one rounding.
static inline float lerp(float start, float end, float weight) {
    return fabsf(weight) < 0.5f ? fmaf(weight, end - start, start) : fmaf(weight - 1, end - start, end);
}

void rk_adam_update_generic(long count, float *parameter, const float *gradient, float *exp_avg, float *exp_avg_sq,
                            float *max_exp_avg_sq, const rk_adam_step *step) {
    const rk_adam_step c = *step;
    for (long j = 0; j < count; j++) {
        float direction = gradient[j];
        if (c.decoupled) parameter[j] = parameter[j] * c.decay_factor;
        if (c.l2) direction = fmaf(parameter[j], c.weight_decay, direction);
        exp_avg[j] = lerp(exp_avg[j], direction, c.one_minus_beta1);
        exp_avg_sq[j] = fmaf(c.one_minus_beta2 * direction, direction, exp_avg_sq[j] * c.beta2);
        float second_moment = exp_avg_sq[j];
        if (c.amsgrad) {
            // torch.maximum: a NaN on either side gives NaN.
            const float old = max_exp_avg_sq[j];
            second_moment = old != old || old > second_moment ? old : second_moment;
            max_exp_avg_sq[j] = second_moment;
        }
        const float denominator = sqrtf(fabsf(second_moment)) / c.bias_correction2_root + c.epsilon;
        parameter[j] = parameter[j] + c.negative_step_size * exp_avg[j] / denominator;
    }
}
