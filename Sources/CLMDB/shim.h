#ifndef GATEWAYCTL_CLMDB_H
#define GATEWAYCTL_CLMDB_H
/* OpenLDAP LMDB (Debian liblmdb-dev): the format Postfix's dict_lmdb reads. Its API is plain
 * functions and macros Swift imports directly. */
#include <lmdb.h>
#endif
