// The naive GEMM: the reference every fast kernel is tested against.
#include "internal.h"

void rk_sgemm_reference(int trans_a, int trans_b, long m, long n, long k, float alpha,
                        const float *a, long lda, const float *b, long ldb, float beta,
                        float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            double sum = 0;
            for (long p = 0; p < k; p++) {
                float a_ip = trans_a ? a[p * lda + i] : a[i * lda + p];
                float b_pj = trans_b ? b[j * ldb + p] : b[p * ldb + j];
                sum += (double)a_ip * (double)b_pj;
            }
            double result = (double)alpha * sum;
            if (beta != 0) result += (double)beta * (double)c[i * ldc + j];
            c[i * ldc + j] = (float)result;
        }
    }
}
