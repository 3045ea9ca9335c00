/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef _ASM_GENERIC__TLB_H
#define _ASM_GENERIC__TLB_H

struct mmu_table_batch;

#ifdef CONFIG_MMU_GATHER_RCU_TABLE_FREE
#ifndef __HAVE_ARCH_TLB_REMOVE_TABLE
/* The generic remover: page tables are struct ptdesc. */
static inline void __tlb_remove_table(void *table)
{
	pagetable_dtor_free(table);
}
#endif
#endif /* CONFIG_MMU_GATHER_RCU_TABLE_FREE */

#endif /* _ASM_GENERIC__TLB_H */
