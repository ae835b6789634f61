// Runtime CPU feature detection and the active instruction set.
#include "CRecurrentKernels.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

static rk_isa detect(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return RK_ISA_GENERIC;
    int has_fma = (ecx >> 12) & 1, has_osxsave = (ecx >> 27) & 1, has_avx = (ecx >> 28) & 1;
    if (!has_osxsave || !has_avx) return RK_ISA_GENERIC;
    uint64_t xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6) return RK_ISA_GENERIC;  // the OS saves XMM and YMM state
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return RK_ISA_GENERIC;
    int has_avx2 = (ebx >> 5) & 1;
    int has_avx512f = (ebx >> 16) & 1, has_avx512dq = (ebx >> 17) & 1;
    int has_avx512bw = (ebx >> 30) & 1, has_avx512vl = (ebx >> 31) & 1;
    int os_zmm = (xcr0 & 0xE6) == 0xE6;  // opmask, ZMM_Hi256 and Hi16_ZMM state
    if (has_avx512f && has_avx512dq && has_avx512bw && has_avx512vl && has_fma && os_zmm)
        return RK_ISA_AVX512;
    if (has_avx2 && has_fma) return RK_ISA_AVX2;
    return RK_ISA_GENERIC;
}
#elif defined(__aarch64__) || defined(_M_ARM64)
static rk_isa detect(void) { return RK_ISA_NEON; }
#else
static rk_isa detect(void) { return RK_ISA_GENERIC; }
#endif

static int supported(rk_isa isa, rk_isa best) {
    if (isa == RK_ISA_GENERIC) return 1;
    if (best == RK_ISA_NEON) return isa == RK_ISA_NEON;
    if (isa == RK_ISA_NEON) return 0;
    return isa <= best;
}

static rk_isa detected_isa = (rk_isa)-1;
rk_isa rk_active_isa_value = (rk_isa)-1;

rk_isa rk_isa_detected(void) {
    if ((int)detected_isa < 0) detected_isa = detect();
    return detected_isa;
}

rk_isa rk_isa_active(void) {
    if ((int)rk_active_isa_value < 0) {
        rk_isa isa = rk_isa_detected();
        // RECURRENT_ISA=generic|avx2|avx512|neon lowers the instruction set (never raises it).
        const char *forced = getenv("RECURRENT_ISA");
        if (forced) {
            for (int candidate = RK_ISA_GENERIC; candidate <= RK_ISA_AVX512; candidate++)
                if (strcmp(forced, rk_isa_name((rk_isa)candidate)) == 0 && supported((rk_isa)candidate, isa))
                    isa = (rk_isa)candidate;
        }
        rk_active_isa_value = isa;
    }
    return rk_active_isa_value;
}

int rk_isa_supported(rk_isa isa) { return supported(isa, rk_isa_detected()); }

_Thread_local int rk_thread_isa_value = -1;

rk_isa rk_isa_in_use(void) { return rk_isa_current(); }

int rk_isa_has_thread_setting(void) { return rk_thread_isa_value >= 0; }

int rk_isa_set_thread(int isa) {
    if (isa < 0) {
        rk_thread_isa_value = -1;
        return 0;
    }
    if (isa > RK_ISA_AVX512 || !supported((rk_isa)isa, rk_isa_detected())) return -1;
    rk_thread_isa_value = isa;
    return 0;
}

int rk_isa_forced_is_valid(void) {
    const char *forced = getenv("RECURRENT_ISA");
    if (!forced) return 1;
    for (int candidate = RK_ISA_GENERIC; candidate <= RK_ISA_AVX512; candidate++)
        if (strcmp(forced, rk_isa_name((rk_isa)candidate)) == 0) return supported((rk_isa)candidate, rk_isa_detected()) ? 1 : 0;
    return -1;
}

int rk_isa_set(rk_isa isa) {
    if (!supported(isa, rk_isa_detected())) return -1;
    rk_active_isa_value = isa;
    return 0;
}

const char *rk_isa_name(rk_isa isa) {
    switch (isa) {
    case RK_ISA_GENERIC: return "generic";
    case RK_ISA_NEON: return "neon";
    case RK_ISA_AVX2: return "avx2";
    case RK_ISA_AVX512: return "avx512";
    }
    return "unknown";
}
