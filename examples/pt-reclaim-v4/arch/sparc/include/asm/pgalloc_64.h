/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SPARC64_PGALLOC_H
#define _SPARC64_PGALLOC_H

void pgtable_free(void *table, bool is_page);

#ifdef CONFIG_SMP
/* sparc64 page tables are not struct ptdesc: free them our own way. */
static inline void __tlb_remove_table(void *_table)
{
	pgtable_free(_table, true);
}
#else /* CONFIG_SMP */
static inline void pgtable_free_tlb(struct mmu_gather *tlb, void *table, bool is_page)
{
	pgtable_free(table, is_page);
}
#endif /* !CONFIG_SMP */

#endif /* _SPARC64_PGALLOC_H */
