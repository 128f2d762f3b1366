#ifndef GATEWAYCTL_CBERKELEYDB_H
#define GATEWAYCTL_CBERKELEYDB_H
#include <db.h>
#include <string.h>
/* Extended attributes carry the source fingerprint of each .db file MapBuilder writes. */
#include <sys/xattr.h>

/* libdb's API is a struct of function pointers; Swift imports those as optionals. These
 * wrappers call them directly so Swift code never unwraps a pointer on a data path. */

/* libdb prints errors to stderr unless told otherwise; MapBuilder reports them as values. */
static inline void gw_db_silent(const DB_ENV *env, const char *prefix, const char *msg) {
    (void) env; (void) prefix; (void) msg;
}

static inline int gw_db_create(DB **dbp) {
    int rc = db_create(dbp, NULL, 0);
    if (rc == 0) (*dbp)->set_errcall(*dbp, gw_db_silent);
    return rc;
}

/* Zero means "libdb's default" for each setting. */
static inline int gw_db_tune(DB *db, DBTYPE type, u_int32_t pagesize, u_int32_t cache_bytes,
                             u_int32_t nelem, u_int32_t ffactor) {
    int rc = 0;
    if (pagesize != 0 && (rc = db->set_pagesize(db, pagesize)) != 0) return rc;
    if (cache_bytes != 0 && (rc = db->set_cachesize(db, 0, cache_bytes, 1)) != 0) return rc;
    if (type == DB_HASH && ffactor != 0 && (rc = db->set_h_ffactor(db, ffactor)) != 0) return rc;
    if (type == DB_HASH && nelem != 0 && (rc = db->set_h_nelem(db, nelem)) != 0) return rc;
    return 0;
}

static inline int gw_db_open(DB *db, const char *path, DBTYPE type, u_int32_t flags, int mode) {
    return db->open(db, NULL, path, NULL, type, flags, mode);
}

static inline int gw_db_put(DB *db, const void *key, u_int32_t klen, const void *val,
                            u_int32_t vlen, u_int32_t flags) {
    DBT k, v;
    memset(&k, 0, sizeof k);
    memset(&v, 0, sizeof v);
    k.data = (void *) key; k.size = klen;
    v.data = (void *) val; v.size = vlen;
    return db->put(db, NULL, &k, &v, flags);
}

/* Looks up `key`; on success points *val/*vlen at libdb-owned memory valid until the next call. */
static inline int gw_db_get(DB *db, const void *key, u_int32_t klen, const void **val,
                            u_int32_t *vlen) {
    DBT k, v;
    int rc;
    memset(&k, 0, sizeof k);
    memset(&v, 0, sizeof v);
    k.data = (void *) key; k.size = klen;
    rc = db->get(db, NULL, &k, &v, 0);
    if (rc == 0) { *val = v.data; *vlen = v.size; }
    return rc;
}

/* Bulk builds hand libdb records in bucket order from an arena in arrival order: prefetching
 * the next records' keys hides the cache misses libdb's hash function would otherwise take. */
static inline void gw_prefetch(const void *p) { __builtin_prefetch(p, 0, 0); }

static inline int gw_db_sync(DB *db) { return db->sync(db, 0); }
static inline int gw_db_close(DB *db, u_int32_t flags) { return db->close(db, flags); }
static inline int gw_db_fd(DB *db, int *fd) { return db->fd(db, fd); }
static inline int gw_db_get_type(DB *db, DBTYPE *type) { return db->get_type(db, type); }

static inline int gw_db_cursor(DB *db, DBC **cursor) { return db->cursor(db, NULL, cursor, 0); }

/* Steps the cursor (DB_FIRST / DB_NEXT); pointers as for gw_db_get. */
static inline int gw_dbc_next(DBC *c, u_int32_t flag, const void **key, u_int32_t *klen,
                              const void **val, u_int32_t *vlen) {
    DBT k, v;
    int rc;
    memset(&k, 0, sizeof k);
    memset(&v, 0, sizeof v);
    rc = c->get(c, &k, &v, flag);
    if (rc == 0) { *key = k.data; *klen = k.size; *val = v.data; *vlen = v.size; }
    return rc;
}

static inline int gw_dbc_close(DBC *c) { return c->close(c); }

#endif
