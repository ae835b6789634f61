// A small persistent thread pool for the kernels.
//
// Recurrent steps issue thousands of short parallel regions (one GEMM of ~0.1-1 ms per time
// step), so waking threads through the operating system each time would cost more than the
// work. Workers therefore spin on the generation counter for a while after each region and
// only then sleep on a condition variable.
//
// A region is a list of tasks claimed one at a time by whichever thread is free, the caller's
// included (thread k tries task k first, so the same data stays with the same core). Task i
// always does the same work, so results do not depend on which thread runs it; and a worker
// the operating system has descheduled (another process busy on the same cores) cannot hold
// the region up unless it has already claimed a task.
#include "internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { RK_MAX_THREADS = 64, RK_TASKS_PER_REGION = 64 };

static _Thread_local int in_parallel_region = 0;
static _Thread_local int thread_number = 0;  // 0 for callers, 1... for workers

static struct {
    pthread_mutex_t submit_lock;  // held by the thread running a region
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    _Atomic uint32_t generation;  // bumped once per region; workers wait for a change
    _Atomic uint64_t claimed;     // bit i: task i of the current region is taken
    _Atomic int completed;        // tasks of the current region finished
    _Atomic int sleepers;
    rk_parallel_fn fn;
    void *context;
    int task_offset, task_total;  // this region runs tasks task_offset + bit of task_total
    int isa;                      // the caller's rk_thread_isa_value, which the workers adopt
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

/// Claims and runs tasks of the current region until none are left. Each thread first tries
/// the task numbered like itself, so in region after region the same thread gets the same
/// task and finds its data in its own core's caches; then it takes whatever is left.
static void run_tasks(void) {
    for (;;) {
        uint64_t mask = atomic_load_explicit(&pool.claimed, memory_order_acquire);
        if (mask == UINT64_MAX) return;
        int preferred = thread_number % RK_TASKS_PER_REGION;
        int bit = (mask >> preferred) & 1 ? __builtin_ctzll(~mask) : preferred;
        uint64_t before = atomic_fetch_or_explicit(&pool.claimed, (uint64_t)1 << bit, memory_order_acq_rel);
        if (before & ((uint64_t)1 << bit)) continue;  // someone was faster
        // The region cannot end while this task is unfinished, so its fields are current.
        rk_thread_isa_value = pool.isa;
        pool.fn(pool.context, pool.task_offset + bit, pool.task_total);
        atomic_fetch_add_explicit(&pool.completed, 1, memory_order_release);
    }
}

/// What a new worker needs to know: its number, and the last region started before it was
/// created (read at creation, not when the thread first runs: the region it was created for may
/// have started by then, and the worker must not take that region for one it has already seen).
typedef struct {
    int number;
    uint32_t seen;
} worker_start;

static void *worker_main(void *argument) {
    const worker_start start = *(worker_start *)argument;
    free(argument);
    thread_number = start.number;
    in_parallel_region = 1;
    uint32_t seen = start.seen;
    for (;;) {
        long deadline = 0;
        unsigned spins = 0;
        for (;;) {
            uint32_t generation = atomic_load_explicit(&pool.generation, memory_order_acquire);
            if (generation != seen) {
                seen = generation;
                run_tasks();
                deadline = 0;
                continue;
            }
            RK_PAUSE();
            if ((++spins & 255) != 0) continue;
            long now = now_nanoseconds();
            if (deadline == 0) {
                deadline = now + pool.spin_nanoseconds;
            } else if (now > deadline) {
                pthread_mutex_lock(&pool.sleep_lock);
                atomic_fetch_add(&pool.sleepers, 1);
                while (atomic_load(&pool.generation) == seen) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
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

int rk_in_parallel_region(void) { return in_parallel_region; }

long rk_cpu_count(void) {
    static _Atomic long cached;  // sysconf reads a file under /sys each time: ask once
    long count = atomic_load_explicit(&cached, memory_order_relaxed);
    if (count == 0) {
        count = sysconf(_SC_NPROCESSORS_ONLN);
        if (count < 1) count = 1;
        atomic_store_explicit(&cached, count, memory_order_relaxed);
    }
    return count;
}

static int default_threads(void) {
    const char *text = getenv("RECURRENT_NUM_THREADS");
    if (text) {
        int value = atoi(text);
        if (value >= 1) return value < RK_MAX_THREADS ? value : RK_MAX_THREADS;
    }
    const long online = rk_cpu_count();
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
        worker_start *start = malloc(sizeof(worker_start));
        if (start) *start = (worker_start){pool.started_workers + 1, atomic_load(&pool.generation)};
        int failed = !start || pthread_create(&thread, &attributes, worker_main, start);
        pthread_attr_destroy(&attributes);
        if (failed) {
            free(start);
            break;
        }
        pool.started_workers++;
    }
    return pool.started_workers + 1;
}

/// Runs tasks [offset, offset + count) of `total` (count <= 64) as one region. Holds submit_lock.
static void run_region(rk_parallel_fn fn, void *context, int offset, int count, int total) {
    pool.fn = fn;
    pool.context = context;
    pool.task_offset = offset;
    pool.task_total = total;
    pool.isa = rk_thread_isa_value;
    atomic_store_explicit(&pool.completed, 0, memory_order_relaxed);
    uint64_t unused = count == 64 ? 0 : ~(((uint64_t)1 << count) - 1);
    atomic_store_explicit(&pool.claimed, unused, memory_order_release);
    atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    run_tasks();
    for (unsigned spins = 1; atomic_load_explicit(&pool.completed, memory_order_acquire) < count; spins++) {
        RK_PAUSE();
        if ((spins & 1023) == 0) sched_yield();
    }
}

void rk_parallel_run(rk_parallel_fn fn, void *context, int tasks) {
    if (tasks <= 0) return;
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
    in_parallel_region = 1;
    for (int offset = 0; offset < tasks; offset += RK_TASKS_PER_REGION) {
        int count = tasks - offset < RK_TASKS_PER_REGION ? tasks - offset : RK_TASKS_PER_REGION;
        run_region(fn, context, offset, count, tasks);
    }
    in_parallel_region = 0;
    pthread_mutex_unlock(&pool.submit_lock);
}

void *rk_alloc_aligned(size_t bytes) {
    void *pointer = NULL;
    if (bytes == 0) bytes = 64;
    if (posix_memalign(&pointer, 64, (bytes + 63) & ~(size_t)63) != 0) return NULL;
    return pointer;
}

void rk_free_aligned(void *pointer) { free(pointer); }
