// SPDX-License-Identifier: GPL-2.0-or-later
#include <asm/pgalloc.h>

void pgtable_cache_init(void)
{
}
