#ifndef GATEWAYCTL_CCDB_H
#define GATEWAYCTL_CCDB_H
/* tinycdb (Debian libcdb-dev): the library Postfix's dict_cdb is built with on Debian. */
#include <cdb.h>

/* cdb.h's accessors are function-like macros, which Swift does not import. */
static inline unsigned gw_cdb_datapos(const struct cdb *c) { return cdb_datapos(c); }
static inline unsigned gw_cdb_datalen(const struct cdb *c) { return cdb_datalen(c); }
static inline unsigned gw_cdb_keypos(const struct cdb *c) { return cdb_keypos(c); }
static inline unsigned gw_cdb_keylen(const struct cdb *c) { return cdb_keylen(c); }
static inline void gw_cdb_seqinit(unsigned *pos, struct cdb *c) { cdb_seqinit(pos, c); }
#endif
