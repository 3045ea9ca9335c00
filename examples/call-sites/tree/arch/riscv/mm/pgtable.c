// SPDX-License-Identifier: GPL-2.0
#include <asm/tlb.h>

void riscv_free_table(void *table)
{
	/* The generic remover, reached through the generic-y wrapper of asm/tlb.h. */
	/* kconsist-ok: tlb-remove-table-undefined */
	__tlb_remove_table(table);
}
