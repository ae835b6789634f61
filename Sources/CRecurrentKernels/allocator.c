// Process-wide allocator tuning for programs that train models (called by the CLI, not the library).
#include "CRecurrentKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void rk_keep_large_allocations(void) {
#if defined(__GLIBC__)
    // Training allocates and frees the same large buffers every step. By default glibc returns
    // allocations over 128 KiB to the system when they are freed, so every step would fault
    // fresh zeroed pages back in; keeping them in the heap makes steady-state steps cheap.
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}
