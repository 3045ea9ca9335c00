/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SPARC64_TLB_H
#define _SPARC64_TLB_H

void flush_tlb_pending(void);

#define tlb_flush(tlb)	flush_tlb_pending()

#include <asm-generic/tlb.h>

#endif /* _SPARC64_TLB_H */
