/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_POWERPC_BOOK3S_64_PGALLOC_H
#define _ASM_POWERPC_BOOK3S_64_PGALLOC_H

/* Defined out of line in arch/powerpc/mm/book3s64/pgtable.c. */
/* kconsist-expect: pt-reclaim-custom-remover */
extern void __tlb_remove_table(void *_table);

#endif /* _ASM_POWERPC_BOOK3S_64_PGALLOC_H */
