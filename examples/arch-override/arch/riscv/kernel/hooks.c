// SPDX-License-Identifier: GPL-2.0
/* Every hook, none of them selected in Kconfig. */

/* kconsist-expect: arch-has-unselected */
void arch_cpu_finalize_init(void)
{
}

/* kconsist-expect: arch-has-unselected */
void arch_sync_dma_for_device(void)
{
}

/* kconsist-expect: arch-has-unselected */
void arch_sync_dma_for_cpu(void)
{
}

/* kconsist-expect: arch-has-unselected */
void arch_dma_prep_coherent(void)
{
}

/* kconsist-expect: arch-has-set-direct-map-unselected */
void set_direct_map_invalid_noflush(void)
{
}

/* kconsist-expect: arch-has-set-memory-unselected */
void set_memory_ro(void)
{
}

/* kconsist-expect: arch-has-cache-line-size-unselected */
void cache_line_size(void)
{
}

/* kconsist-expect: arch-has-cpu-cache-aliasing-unselected */
void cpu_dcache_is_aliasing(void)
{
}

/* kconsist-expect: arch-has-uaccess-flushcache-unselected */
void copy_from_user_flushcache(void)
{
}

/* kconsist-expect: arch-has-tick-broadcast-unselected */
void tick_broadcast(void)
{
}

/* kconsist-expect: arch-has-pte-special-unselected */
void pte_special(void)
{
}

/* kconsist-expect: have-arch-soft-dirty-unselected */
void pte_soft_dirty(void)
{
}


/* A member of the arch_x() family that no table lists: its ARCH_HAS_ symbol exists. */
/* kconsist-expect: arch-has-unselected */
void arch_dma_set_uncached(void)
{
}

/* No ARCH_HAS_SETUP in the tree: an arch_ function, but no member of the family. */
/* kconsist-ok: arch-has-unselected */
void arch_setup(void)
{
}
