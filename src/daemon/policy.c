/* policy.c - HPA manifests from files, last good kept (see policy.h). */
#include "daemon/policy.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hpa/arena.h"

hpa_errcode dpol_open(dpol_source *s, const char *path, hpa_err *e)
{
    struct stat st;

    memset(s, 0, sizeof(*s));
    if (stat(path, &st) != 0)
        return hpa_err_set(e, HPA_EIO, "--policies", "cannot read %s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
        return hpa_err_set(e, HPA_EINVAL, "--policies", "%s is neither a file nor a directory",
                           path);
    s->root = strdup(path);
    if (!s->root)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    s->is_dir = S_ISDIR(st.st_mode);
    return HPA_OK;
}

static void file_drop_objs(dpol_file *f)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        json_decref(f->objs[i]);
    free(f->objs);
    f->objs = NULL;
    f->n = 0;
}

void dpol_close(dpol_source *s)
{
    size_t i;

    for (i = 0; i < s->n_files; i++) {
        file_drop_objs(&s->files[i]);
        free(s->files[i].path);
    }
    free(s->files);
    free(s->root);
    memset(s, 0, sizeof(*s));
}

static bool wanted_name(const char *name)
{
    size_t n = strlen(name);

    if (name[0] == '.')
        return false;   /* editors' swap files, ConfigMap ..data links */
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml")) ||
           (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files to consider now, sorted (heap list of heap strings). */
static hpa_errcode list_files(const dpol_source *s, char ***out, size_t *n, hpa_err *e)
{
    DIR *d;
    struct dirent *de;
    char **v = NULL;
    size_t cap = 0;

    *out = NULL;
    *n = 0;
    if (!s->is_dir) {
        if (!(v = malloc(sizeof(*v))) || !(v[0] = strdup(s->root))) {
            free(v);
            return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        }
        *out = v;
        *n = 1;
        return HPA_OK;
    }
    if (!(d = opendir(s->root)))
        return hpa_err_set(e, HPA_EIO, "--policies", "cannot read directory %s: %s", s->root,
                           strerror(errno));
    while ((de = readdir(d))) {
        hpa_strbuf p = HPA_STRBUF_INIT;

        if (!wanted_name(de->d_name))
            continue;
        if (*n == cap) {
            char **nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
            if (!nv)
                goto oom;
            v = nv;
        }
        hpa_strbuf_printf(&p, "%s/%s", s->root, de->d_name);
        if (p.oom)
            goto oom;
        v[(*n)++] = p.s;
    }
    closedir(d);
    qsort(v, *n, sizeof(*v), cmp_str);
    *out = v;
    return HPA_OK;
oom:
    closedir(d);
    while (*n > 0)
        free(v[--*n]);
    free(v);
    return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
}

static dpol_file *find_file(dpol_source *s, const char *path)
{
    size_t i;

    for (i = 0; i < s->n_files; i++)
        if (!strcmp(s->files[i].path, path))
            return &s->files[i];
    return NULL;
}

static dpol_file *add_file(dpol_source *s, const char *path)
{
    dpol_file *f;

    if (s->n_files == s->cap_files) {
        size_t cap = s->cap_files ? s->cap_files * 2 : 8;
        dpol_file *nf = realloc(s->files, cap * sizeof(*nf));
        if (!nf)
            return NULL;
        s->files = nf;
        s->cap_files = cap;
    }
    f = &s->files[s->n_files];
    memset(f, 0, sizeof(*f));
    if (!(f->path = strdup(path)))
        return NULL;
    s->n_files++;
    return f;
}

static void report(hpa_errlist *problems, const hpa_err *err)
{
    hpa_err *slot;

    if (problems && (slot = hpa_errlist_add(problems)))
        *slot = *err;
}

/* Read one file; on success replace its objects and return true. */
static bool read_file(dpol_file *f, hpa_errlist *problems, bool *changed)
{
    hpa_docset set;
    hpa_err e;
    json_t **objs = NULL;
    size_t i, j, n_ok = 0, n_bad = 0;

    hpa_err_clear(&e);
    if (hpa_docset_load_file(f->path, &set, &e) != HPA_OK) {
        if (!e.file[0])
            snprintf(e.file, sizeof(e.file), "%s", f->path);
        report(problems, &e);
        return false;
    }
    objs = calloc(set.n ? set.n : 1, sizeof(*objs));
    if (!objs) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory reading %s", f->path);
        report(problems, &e);
        hpa_docset_free(&set);
        return false;
    }
    for (i = 0; i < set.n; i++) {
        hpa_errlist list = {0, 0, NULL};

        if (hpa_validate_hpa_json(set.docs[i].root, &list) > 0) {
            for (j = 0; j < list.n; j++) {
                hpa_doc_locate(&set, i, NULL, &list.items[j]);
                report(problems, &list.items[j]);
            }
            n_bad++;
        } else {
            objs[n_ok++] = json_incref(set.docs[i].root);
        }
        hpa_errlist_free(&list);
    }
    hpa_docset_free(&set);
    if (n_bad > 0) {
        for (i = 0; i < n_ok; i++)
            json_decref(objs[i]);
        free(objs);
        return false;
    }
    /* an unchanged content (touch, or a re-save) changes nothing */
    if (n_ok == f->n) {
        for (i = 0; i < n_ok && json_equal(objs[i], f->objs[i]); i++)
            ;
        if (i == n_ok) {
            for (i = 0; i < n_ok; i++)
                json_decref(objs[i]);
            free(objs);
            return true;
        }
    }
    file_drop_objs(f);
    f->objs = objs;
    f->n = n_ok;
    *changed = true;
    return true;
}

hpa_errcode dpol_reload(dpol_source *s, bool force, hpa_errlist *problems, bool *changed,
                        hpa_err *e)
{
    char **paths = NULL;
    size_t n = 0, i, k;
    hpa_errcode rc;

    *changed = false;
    if ((rc = list_files(s, &paths, &n, e)) != HPA_OK)
        return rc;
    for (i = 0; i < s->n_files; i++)
        s->files[i].present = false;
    for (i = 0; i < n; i++) {
        dpol_file *f = find_file(s, paths[i]);
        struct stat st;

        if (stat(paths[i], &st) != 0)
            continue;   /* vanished between readdir and stat */
        if (!f && !(f = add_file(s, paths[i]))) {
            rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
            goto out;
        }
        f->present = true;
        if (!force && f->size == st.st_size && f->mtime.tv_sec == st.st_mtim.tv_sec &&
            f->mtime.tv_nsec == st.st_mtim.tv_nsec && (f->valid || f->n))
            continue;
        f->mtime = st.st_mtim;
        f->size = st.st_size;
        f->valid = read_file(f, problems, changed);
    }
    /* files that are gone take their HPAs with them */
    for (i = k = 0; i < s->n_files; i++) {
        if (s->files[i].present) {
            s->files[k++] = s->files[i];
            continue;
        }
        if (s->files[i].n)
            *changed = true;
        file_drop_objs(&s->files[i]);
        free(s->files[i].path);
    }
    s->n_files = k;
    if (*changed)
        s->generation++;
out:
    for (i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return rc;
}

void dpol_visit(const dpol_source *s, dpol_visit_fn fn, void *arg)
{
    size_t i, j;

    for (i = 0; i < s->n_files; i++)
        for (j = 0; j < s->files[i].n; j++)
            fn(s->files[i].objs[j], s->files[i].path, arg);
}

size_t dpol_count(const dpol_source *s)
{
    size_t i, n = 0;

    for (i = 0; i < s->n_files; i++)
        n += s->files[i].n;
    return n;
}
