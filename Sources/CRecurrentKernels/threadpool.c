// A small persistent thread pool for the kernels.
//
// Recurrent steps issue thousands of short parallel regions (one GEMM of ~0.1-1 ms per time
// step), so waking threads through the operating system each time would cost more than the
// work. Workers therefore spin on the pool's ticket for a while after each region and only then
// sleep on a condition variable.
//
// A region is a list of tasks claimed one at a time by whichever thread is free, the caller's
// included. Task i always does the same work, so results do not depend on which thread runs
// it; and a worker the operating system has descheduled (another process busy on the same
// cores) cannot hold the region up unless it has already claimed a task.
#include "internal.h"

#include <pthread.h>
#include <sched.h>
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

enum { RK_MAX_THREADS = 64, RK_MAX_TASKS = 65535 };

// The ticket packs the region's generation (32 bits), its task count (16) and the next task to
// claim (16), so a claim is one compare-and-swap that also checks the region is still current.
#define TICKET(generation, count, next) (((uint64_t)(generation) << 32) | ((uint64_t)(count) << 16) | (uint64_t)(next))
#define TICKET_GENERATION(t) ((uint32_t)((t) >> 32))
#define TICKET_COUNT(t) ((int)(((t) >> 16) & 0xFFFF))
#define TICKET_NEXT(t) ((int)((t) & 0xFFFF))

static _Thread_local int in_parallel_region = 0;

static struct {
    pthread_mutex_t submit_lock;  // held by the thread running a region
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    _Atomic uint64_t ticket;
    _Atomic int completed;        // tasks of the current region finished
    _Atomic int sleepers;
    rk_parallel_fn fn;
    void *context;
    int started_workers;
    _Atomic int configured_threads;
    long spin_nanoseconds;
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

/// Claims and runs tasks of region `generation` until none are left. Returns how many it ran.
static int run_tasks(uint32_t generation) {
    int ran = 0;
    for (;;) {
        uint64_t ticket = atomic_load_explicit(&pool.ticket, memory_order_acquire);
        if (TICKET_GENERATION(ticket) != generation || TICKET_NEXT(ticket) >= TICKET_COUNT(ticket)) return ran;
        if (!atomic_compare_exchange_weak_explicit(&pool.ticket, &ticket, ticket + 1, memory_order_acq_rel,
                                                   memory_order_relaxed))
            continue;
        // The region cannot end while this task is unfinished, so fn and context are its own.
        pool.fn(pool.context, TICKET_NEXT(ticket), TICKET_COUNT(ticket));
        atomic_fetch_add_explicit(&pool.completed, 1, memory_order_release);
        ran++;
    }
}

static void *worker_main(void *argument) {
    (void)argument;
    in_parallel_region = 1;
    uint32_t seen = 0;
    for (;;) {
        long deadline = 0;
        unsigned spins = 0;
        for (;;) {
            uint64_t ticket = atomic_load_explicit(&pool.ticket, memory_order_acquire);
            uint32_t generation = TICKET_GENERATION(ticket);
            if (generation != seen && TICKET_NEXT(ticket) < TICKET_COUNT(ticket)) {
                seen = generation;
                run_tasks(generation);
                deadline = 0;
                continue;
            }
            seen = generation;
            RK_PAUSE();
            if ((++spins & 255) != 0) continue;
            long now = now_nanoseconds();
            if (deadline == 0) {
                deadline = now + pool.spin_nanoseconds;
            } else if (now > deadline) {
                pthread_mutex_lock(&pool.sleep_lock);
                atomic_fetch_add(&pool.sleepers, 1);
                while (TICKET_GENERATION(atomic_load(&pool.ticket)) == seen) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
                atomic_fetch_sub(&pool.sleepers, 1);
                pthread_mutex_unlock(&pool.sleep_lock);
                deadline = 0;
            } else if ((spins & 4095) == 0) {
                sched_yield();  // let another runnable thread have this core if the machine is oversubscribed
            }
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
        int expected = 0;
        atomic_compare_exchange_strong(&pool.configured_threads, &expected, default_threads());
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
        int failed = pthread_create(&thread, &attributes, worker_main, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        pool.started_workers++;
    }
    return pool.started_workers + 1;
}

void rk_parallel_run(rk_parallel_fn fn, void *context, int tasks) {
    if (tasks <= 0) return;
    if (tasks > RK_MAX_TASKS) tasks = RK_MAX_TASKS;
    int threads = rk_num_threads();
    if (tasks == 1 || threads <= 1 || in_parallel_region || pthread_mutex_trylock(&pool.submit_lock) != 0) {
        for (int task = 0; task < tasks; task++) fn(context, task, tasks);
        return;
    }
    int available = ensure_workers(threads < tasks ? threads : tasks);
    if (available <= 1) {
        pthread_mutex_unlock(&pool.submit_lock);
        for (int task = 0; task < tasks; task++) fn(context, task, tasks);
        return;
    }
    pool.fn = fn;
    pool.context = context;
    atomic_store_explicit(&pool.completed, 0, memory_order_relaxed);
    uint32_t generation = TICKET_GENERATION(atomic_load(&pool.ticket)) + 1;
    atomic_store_explicit(&pool.ticket, TICKET(generation, tasks, 0), memory_order_release);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    in_parallel_region = 1;
    run_tasks(generation);
    in_parallel_region = 0;
    for (unsigned spins = 1; atomic_load_explicit(&pool.completed, memory_order_acquire) < tasks; spins++) {
        RK_PAUSE();
        if ((spins & 1023) == 0) sched_yield();
    }
    pthread_mutex_unlock(&pool.submit_lock);
}

void *rk_alloc_aligned(size_t bytes) {
    void *pointer = NULL;
    if (bytes == 0) bytes = 64;
    if (posix_memalign(&pointer, 64, (bytes + 63) & ~(size_t)63) != 0) return NULL;
    return pointer;
}

void rk_free_aligned(void *pointer) { free(pointer); }
