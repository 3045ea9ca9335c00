// SPDX-License-Identifier: GPL-2.0
#include <asm/tlb.h>

/* __tlb_remove_table(table) in a comment is not a call. */
static const char why[] = "calls __tlb_remove_table(table)";

void parisc_free_table_now(void *table)
{
	/* On 32-bit, nothing defines the remover it calls. */
	/* kconsist-expect: tlb-remove-table-undefined */
	__tlb_remove_table(table);
}

#ifdef CONFIG_64BIT
void parisc_free_table_64(void *table)
{
	/* kconsist-ok: tlb-remove-table-undefined */
	__tlb_remove_table(table);
}
#endif
