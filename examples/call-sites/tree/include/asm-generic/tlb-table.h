/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_GENERIC_TLB_TABLE_H
#define _ASM_GENERIC_TLB_TABLE_H

#if defined(CONFIG_MMU_GATHER_TABLE_FREE) && !defined(CONFIG_HAVE_ARCH_TLB_REMOVE_TABLE)
/* The generic remover, for every arch that has no remover of its own. */
static inline void __tlb_remove_table(void *table)
{
	free_table_page(table);
}
#endif

#endif /* _ASM_GENERIC_TLB_TABLE_H */
