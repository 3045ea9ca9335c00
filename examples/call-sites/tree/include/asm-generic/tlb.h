/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_GENERIC_TLB_H
#define _ASM_GENERIC_TLB_H

#include <asm-generic/tlb-table.h>

#endif /* _ASM_GENERIC_TLB_H */
