/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_PGTABLE_H
#define _ASM_PGTABLE_H

/* The flag and the function it announces, together. */
/* kconsist-ok: c-flag-without-function */
#define __HAVE_ARCH_PTEP_GET_AND_CLEAR
static inline pte_t ptep_get_and_clear(pte_t *ptep)
{
	return *ptep;
}

/* The flag always, the function only with huge pages: without them, neither. */
/* kconsist-expect: c-flag-without-function */
#define __HAVE_ARCH_PTEP_SET_WRPROTECT
#ifdef CONFIG_HUGETLB_PAGE
static inline void ptep_set_wrprotect(pte_t *ptep)
{
}
#endif

/* This flag announces ptep_clear_flush_young(), not ptep_clear_young_flush(). */
/* kconsist-ok: c-flag-without-named-function */
#define __HAVE_ARCH_PTEP_CLEAR_YOUNG_FLUSH
int ptep_clear_flush_young(pte_t *ptep);

/* The same mistake the other way round: the name the flag spells is not the one it
 * announces, so the generic pmdp_clear_flush_young() is gone and nothing replaces it. */
/* kconsist-expect: c-flag-without-named-function */
#define __HAVE_ARCH_PMDP_CLEAR_YOUNG_FLUSH
int pmdp_clear_young_flush(pte_t *pmdp);

/* A dead flag (nothing tests it) is dead-c-flag's, not this rule's. */
/* kconsist-ok: c-flag-without-function */
#define __HAVE_ARCH_PTEP_MKDIRTY

#endif
