/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_POWERPC_NOHASH_PGALLOC_H
#define _ASM_POWERPC_NOHASH_PGALLOC_H

static inline void pgtable_free(void *table, int shift)
{
	kmem_cache_free(PGT_CACHE(shift), table);
}

/* kconsist-expect: pt-reclaim-custom-remover */
static inline void __tlb_remove_table(void *_table)
{
	pgtable_free(_table, 0);
}

#endif /* _ASM_POWERPC_NOHASH_PGALLOC_H */
