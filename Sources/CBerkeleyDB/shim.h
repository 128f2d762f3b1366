#ifndef GATEWAYCTL_CBERKELEYDB_H
#define GATEWAYCTL_CBERKELEYDB_H
#include <db.h>
#endif
