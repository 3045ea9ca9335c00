// SPDX-License-Identifier: GPL-2.0
#include <asm/tlb.h>

void x86_free_table(void *table)
{
	/* The generic remover, reached through <asm-generic/tlb.h>. */
	/* kconsist-ok: tlb-remove-table-undefined */
	__tlb_remove_table(table);
}
