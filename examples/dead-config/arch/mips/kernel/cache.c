// SPDX-License-Identifier: GPL-2.0
/* A CONFIG_ name the file sets itself is not a Kconfig symbol (parisc's cache.c). */
#define CONFIG_FLUSH_PAGE_ACCESSED 0

/* kconsist-ok: dead-config-symbol */
#if CONFIG_FLUSH_PAGE_ACCESSED
void flush_accessed(void)
{
}
#endif
