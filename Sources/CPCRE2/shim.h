#ifndef GATEWAYCTL_CPCRE2_H
#define GATEWAYCTL_CPCRE2_H
/* 8-bit code units: Postfix's tables are byte strings. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
