// SPDX-License-Identifier: GPL-2.0
/* Built on sparc32 only: arch/sparc/kernel/Makefile builds setup_$(BITS).o. */

#if defined(CONFIG_SPARC32) && !defined(CONFIG_SMP)
/* kconsist-ok: arch-has-unselected */
void arch_cpu_finalize_init(void)
{
}
#endif
