/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_PARISC_TLB_H
#define _ASM_PARISC_TLB_H

#ifdef CONFIG_64BIT
static inline void __tlb_remove_table(void *table)
{
	parisc_free_table(table);
}
#endif

/* A call in a macro body is one, where the macro is written. */
/* kconsist-expect: tlb-remove-table-undefined */
#define parisc_remove_table(t) __tlb_remove_table(t)

#include <asm-generic/tlb.h>

#endif /* _ASM_PARISC_TLB_H */
