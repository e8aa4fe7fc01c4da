/*
 * Shared helpers for the cmocka unit tests: where the source tree is (so a
 * test can load scenarios/ and variants/), and a temporary directory.
 */
#ifndef DRCSIM_TESTUTIL_H
#define DRCSIM_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

static inline const char *test_srcdir(void)
{
    const char *d = getenv("DRCSIM_SRCDIR");
    return d ? d : ".";
}

#endif
