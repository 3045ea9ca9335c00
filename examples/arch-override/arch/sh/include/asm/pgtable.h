/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __ASM_SH_PGTABLE_H
#define __ASM_SH_PGTABLE_H

#ifdef CONFIG_MMU
/* kconsist-ok: arch-has-pte-special-unselected */
static inline int pte_special(unsigned long pte)
{
	return pte & 1;
}
#endif

#endif
