// SPDX-License-Identifier: GPL-2.0
/* Every hook, each with its opt-in symbol selected. */

/* kconsist-ok: arch-has-unselected */
void arch_cpu_finalize_init(void)
{
}

/* kconsist-ok: arch-has-unselected */
void arch_sync_dma_for_device(void)
{
}

/* kconsist-ok: arch-has-unselected */
void arch_sync_dma_for_cpu(void)
{
}

/* kconsist-ok: arch-has-unselected */
void arch_dma_prep_coherent(void)
{
}

/* kconsist-ok: arch-has-set-direct-map-unselected */
void set_direct_map_invalid_noflush(void)
{
}

/* kconsist-ok: arch-has-set-memory-unselected */
void set_memory_ro(void)
{
}

/* kconsist-ok: arch-has-cache-line-size-unselected */
void cache_line_size(void)
{
}

/* kconsist-ok: arch-has-cpu-cache-aliasing-unselected */
void cpu_dcache_is_aliasing(void)
{
}

/* kconsist-ok: arch-has-uaccess-flushcache-unselected */
void copy_from_user_flushcache(void)
{
}

/* kconsist-ok: arch-has-tick-broadcast-unselected */
void tick_broadcast(void)
{
}

/* kconsist-ok: arch-has-pte-special-unselected */
void pte_special(void)
{
}

/* kconsist-ok: have-arch-soft-dirty-unselected */
void pte_soft_dirty(void)
{
}

