/* fleet.c - parallel simulations (see fleet.h). */
#include "fleet.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sim_fleet_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (int)n : 1;
}

uint64_t sim_fleet_seed(uint64_t seed, size_t i)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

typedef struct pool {
    pthread_mutex_t mu;
    size_t next, n;
    sim_job *jobs;
} pool;

static void run_job(sim_job *j)
{
    hpa_err_clear(&j->err);
    j->rc = sim_run(j->spec, j->model, j->load, j->seed, j->keep_rows, &j->res, &j->err);
}

static void *worker(void *arg)
{
    pool *p = arg;

    for (;;) {
        size_t i;
        pthread_mutex_lock(&p->mu);
        i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n)
            return NULL;
        run_job(&p->jobs[i]);
    }
}

hpa_errcode sim_fleet_run(sim_job *jobs, size_t n, int threads, hpa_err *e)
{
    pool p;
    pthread_t *tid = NULL;
    int t, started = 0;
    size_t i;

    if (threads <= 0)
        threads = sim_fleet_cpus();
    if ((size_t)threads > n)
        threads = (int)n;
    p.next = 0;
    p.n = n;
    p.jobs = jobs;
    if (threads > 1) {
        tid = calloc((size_t)threads, sizeof(*tid));
        if (tid && pthread_mutex_init(&p.mu, NULL) == 0) {
            for (t = 0; t < threads; t++)
                if (pthread_create(&tid[started], NULL, worker, &p) == 0)
                    started++;
        }
    }
    if (started == 0) {
        /* no threads (one CPU, or none could be started): run here */
        for (i = 0; i < n; i++)
            run_job(&jobs[i]);
    } else {
        for (t = 0; t < started; t++)
            pthread_join(tid[t], NULL);
        pthread_mutex_destroy(&p.mu);
    }
    free(tid);
    for (i = 0; i < n; i++)
        if (jobs[i].rc != HPA_OK) {
            if (e)
                *e = jobs[i].err;
            return jobs[i].rc;
        }
    return HPA_OK;
}
