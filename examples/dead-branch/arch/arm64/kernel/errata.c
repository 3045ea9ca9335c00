// SPDX-License-Identifier: GPL-2.0-only
/* ARM64_ERRATUM_9999 is defined by no Kconfig file of the tree (a removed or misspelt
 * symbol): the test is constant, which dead-config-symbol reports. Not twice. */
/* kconsist-ok: dead-arch-branch */
#ifdef CONFIG_ARM64_ERRATUM_9999
int erratum_9999;
#endif

/* Dead for another reason as well (CPU_BIG_ENDIAN depends on BROKEN): still dead. */
/* kconsist-expect: dead-arch-branch */
#if defined(CONFIG_CPU_BIG_ENDIAN) && defined(CONFIG_ARM64_ERRATUM_9999)
int erratum_9999_be;
#endif

/* An assertion: a branch of #error lines that no build reaches is what it asserts
 * (a build that reached it would stop), not dead code. */
/* kconsist-ok: dead-arch-branch */
#ifdef CONFIG_CPU_BIG_ENDIAN
/* The erratum workaround is little-endian only. */
#error "big-endian kernels are not supported"
#endif

#if defined(CONFIG_KVM_64)
int kvm_flavour = 64;
/* kconsist-ok: dead-arch-branch */
#elif defined(CONFIG_CPU_BIG_ENDIAN)
#warning "big-endian KVM is untested"
#endif

/* Code beside the #error: dead code. */
/* kconsist-expect: dead-arch-branch */
#ifdef CONFIG_CPU_BIG_ENDIAN
#error "big-endian kernels are not supported"
int be_only;
#endif
