// SPDX-License-Identifier: GPL-2.0-or-later
#include <asm/pgalloc.h>

/* kconsist-expect: pt-reclaim-custom-remover */
void __tlb_remove_table(void *_table)
{
	void *table = (void *)((unsigned long)_table & ~MAX_PGTABLE_INDEX_SIZE);
	unsigned int index = (unsigned long)_table & MAX_PGTABLE_INDEX_SIZE;

	return pgtable_free(table, index);
}
