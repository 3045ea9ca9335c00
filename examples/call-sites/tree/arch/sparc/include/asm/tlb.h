/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_SPARC_TLB_H
#define _ASM_SPARC_TLB_H

#ifdef CONFIG_SMP
static inline void __tlb_remove_table(void *table)
{
	sparc_free_table(table);
}
#endif

#include <asm-generic/tlb.h>

#endif /* _ASM_SPARC_TLB_H */
