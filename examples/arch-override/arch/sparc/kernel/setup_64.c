// SPDX-License-Identifier: GPL-2.0
/* Built on sparc64 only, where ARCH_HAS_DMA_PREP_COHERENT is not selected. */

/* kconsist-expect: arch-has-unselected */
void arch_dma_prep_coherent(void)
{
}
