#ifndef GATEWAYCTL_CFILELAYER_H
#define GATEWAYCTL_CFILELAYER_H
/* The Linux calls FileLayer needs that Swift's Glibc module does not export: extended
 * attributes (the source fingerprint MapBuilder stores on each table). */
#include <sys/xattr.h>
#endif
