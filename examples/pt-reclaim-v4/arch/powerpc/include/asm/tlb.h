/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef _ASM_POWERPC_TLB_H
#define _ASM_POWERPC_TLB_H

extern void tlb_flush(struct mmu_gather *tlb);

/* Get the generic bits... */
#include <asm-generic/tlb.h>

#endif /* _ASM_POWERPC_TLB_H */
