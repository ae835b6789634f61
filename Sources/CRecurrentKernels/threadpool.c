// A small persistent thread pool for the kernels.
//
// Recurrent steps issue thousands of short parallel regions (one GEMM of ~0.1-1 ms per time step),
// so waking threads through the operating system each time would cost more than the work.
// Workers therefore spin on a generation counter for a while after each region and only then
// sleep on a condition variable. The caller's thread always works as thread 0.
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if defined(RK_X86)
#include <immintrin.h>
#define RK_PAUSE() _mm_pause()
#elif defined(RK_ARM64)
#define RK_PAUSE() __asm__ volatile("yield")
#else
#define RK_PAUSE() ((void)0)
#endif

enum { RK_MAX_THREADS = 64 };

static _Thread_local int in_parallel_region = 0;

static struct {
    pthread_mutex_t submit_lock;  // held by the thread that owns the pool for one region
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    _Atomic uint64_t generation;  // bumped once per region; workers wait for a change
    _Atomic int remaining;        // workers still running the current region
    _Atomic int sleepers;
    rk_parallel_fn fn;
    void *context;
    int region_threads;
    int started_workers;          // workers 1...started_workers exist
    _Atomic int configured_threads;
    long spin_nanoseconds;
    uint64_t start_generation[RK_MAX_THREADS];  // the generation each worker was started at
} pool = {
    .submit_lock = PTHREAD_MUTEX_INITIALIZER,
    .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

static long now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *worker_main(void *argument) {
    int index = (int)(intptr_t)argument;
    in_parallel_region = 1;
    // Not the current value: the first region may be published before this thread runs.
    uint64_t seen = pool.start_generation[index];
    for (;;) {
        // Spin, then sleep, until a new region is published.
        long deadline = 0;
        for (unsigned spins = 0;; spins++) {
            if (atomic_load_explicit(&pool.generation, memory_order_acquire) != seen) break;
            RK_PAUSE();
            if ((spins & 255) == 255) {
                long now = now_nanoseconds();
                if (deadline == 0) deadline = now + pool.spin_nanoseconds;
                else if (now > deadline) {
                    pthread_mutex_lock(&pool.sleep_lock);
                    atomic_fetch_add(&pool.sleepers, 1);
                    while (atomic_load_explicit(&pool.generation, memory_order_acquire) == seen)
                        pthread_cond_wait(&pool.wake, &pool.sleep_lock);
                    atomic_fetch_sub(&pool.sleepers, 1);
                    pthread_mutex_unlock(&pool.sleep_lock);
                    break;
                }
            }
        }
        seen = atomic_load_explicit(&pool.generation, memory_order_acquire);
        if (index < pool.region_threads) {
            pool.fn(pool.context, index, pool.region_threads);
            atomic_fetch_sub_explicit(&pool.remaining, 1, memory_order_release);
        }
    }
    return NULL;
}

static int default_threads(void) {
    const char *text = getenv("RECURRENT_NUM_THREADS");
    if (text) {
        int value = atoi(text);
        if (value >= 1) return value < RK_MAX_THREADS ? value : RK_MAX_THREADS;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online < 1) online = 1;
    return online < RK_MAX_THREADS ? (int)online : RK_MAX_THREADS;
}

int rk_num_threads(void) {
    int value = atomic_load(&pool.configured_threads);
    if (value == 0) {
        value = default_threads();
        int expected = 0;
        atomic_compare_exchange_strong(&pool.configured_threads, &expected, value);
        value = atomic_load(&pool.configured_threads);
    }
    return value;
}

void rk_set_num_threads(int threads) {
    if (threads < 1) threads = 1;
    if (threads > RK_MAX_THREADS) threads = RK_MAX_THREADS;
    atomic_store(&pool.configured_threads, threads);
}

/// Starts workers up to `count` - 1. Called with submit_lock held.
static int ensure_workers(int count) {
    if (pool.spin_nanoseconds == 0) {
        const char *text = getenv("RECURRENT_SPIN_US");
        long micros = text ? atol(text) : 2000;
        pool.spin_nanoseconds = (micros > 0 ? micros : 1) * 1000L;
    }
    while (pool.started_workers < count - 1) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pool.start_generation[pool.started_workers + 1] = atomic_load(&pool.generation);
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)(intptr_t)(pool.started_workers + 1));
        pthread_attr_destroy(&attributes);
        if (failed) break;
        pool.started_workers++;
    }
    return pool.started_workers + 1;
}

void rk_parallel_run(rk_parallel_fn fn, void *context, int threads) {
    int limit = rk_num_threads();
    if (threads > limit) threads = limit;
    if (threads <= 1 || in_parallel_region || pthread_mutex_trylock(&pool.submit_lock) != 0) {
        fn(context, 0, 1);
        return;
    }
    int available = ensure_workers(threads);
    if (threads > available) threads = available;
    if (threads <= 1) {
        pthread_mutex_unlock(&pool.submit_lock);
        fn(context, 0, 1);
        return;
    }
    pool.fn = fn;
    pool.context = context;
    pool.region_threads = threads;
    atomic_store_explicit(&pool.remaining, threads - 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    in_parallel_region = 1;
    fn(context, 0, threads);
    in_parallel_region = 0;
    while (atomic_load_explicit(&pool.remaining, memory_order_acquire) > 0) RK_PAUSE();
    pthread_mutex_unlock(&pool.submit_lock);
}

void *rk_alloc_aligned(size_t bytes) {
    void *pointer = NULL;
    if (bytes == 0) bytes = 64;
    if (posix_memalign(&pointer, 64, (bytes + 63) & ~(size_t)63) != 0) return NULL;
    return pointer;
}

void rk_free_aligned(void *pointer) { free(pointer); }
