// The optimizer kernels of each instruction set (see rk_adam_update in CRecurrentKernels.h).
#ifndef RK_OPTIMIZERS_INTERNAL_H
#define RK_OPTIMIZERS_INTERNAL_H

#include "internal.h"

/// The portable kernel (C with fmaf, which arm64 compilers turn into NEON fused multiply-adds).
void rk_adam_update_generic(long count, float *parameter, const float *gradient, float *exp_avg, float *exp_avg_sq,
                            float *max_exp_avg_sq, const rk_adam_step *step);
#if RK_X86
/// Eight lanes with FMA, for AVX2 and AVX-512 CPUs: the update is bound by memory and by the
/// divider, which 16 lanes would not make faster.
void rk_adam_update_avx2(long count, float *parameter, const float *gradient, float *exp_avg, float *exp_avg_sq,
                         float *max_exp_avg_sq, const rk_adam_step *step);
#endif

#endif
