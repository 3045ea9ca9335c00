/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_POWERPC_BOOK3S_32_PGALLOC_H
#define _ASM_POWERPC_BOOK3S_32_PGALLOC_H

static inline void pgtable_free(void *table, unsigned int index_size)
{
	kmem_cache_free(PGT_CACHE(index_size), table);
}

/* kconsist-expect: pt-reclaim-custom-remover */
static inline void __tlb_remove_table(void *_table)
{
	pgtable_free(_table, 0);
}

#endif /* _ASM_POWERPC_BOOK3S_32_PGALLOC_H */
