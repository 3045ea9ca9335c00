// SPDX-License-Identifier: GPL-2.0
#include <asm/tlb.h>

void sparc_free_tables(void **tables, int n)
{
	int i;

	for (i = 0; i < n; i++)
		/* kconsist-ok: tlb-remove-table-undefined */
		__tlb_remove_table(tables[i]);
}
