/*
 * Allocation-counting hook shared by the C benchmark harnesses (no LD_PRELOAD): the
 * executable defines malloc & co., so every shared library it loads (libmatrixssl.so,
 * libssl/libcrypto) binds to these by ELF symbol interposition. Each wraps glibc's
 * __libc_* entry point and counts the chunk's usable size (malloc_usable_size), which is
 * what the Rust harness's #[global_allocator] counts too, so the three libraries are
 * measured the same way. Single-threaded harnesses: plain globals.
 */
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>

#include "bench_util.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

size_t bench_live, bench_peak;
unsigned long bench_nallocs;

static void *counted(void *p)
{
    if (p) {
        bench_live += malloc_usable_size(p);
        if (bench_live > bench_peak) bench_peak = bench_live;
        bench_nallocs++;
    }
    return p;
}

void *malloc(size_t n) { return counted(__libc_malloc(n)); }

void *calloc(size_t a, size_t b) { return counted(__libc_calloc(a, b)); }

void free(void *p)
{
    if (p) {
        bench_live -= malloc_usable_size(p);
        __libc_free(p);
    }
}

void *realloc(void *p, size_t n)
{
    size_t old = p ? malloc_usable_size(p) : 0;
    void *q = __libc_realloc(p, n);
    if (q) {
        bench_live -= old;
        return counted(q);
    }
    if (p && n == 0) bench_live -= old; /* glibc frees on realloc(p, 0) */
    return NULL;
}

void *memalign(size_t align, size_t n) { return counted(__libc_memalign(align, n)); }

void *aligned_alloc(size_t align, size_t n) { return counted(__libc_memalign(align, n)); }

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p;
    if (align < sizeof(void *) || (align & (align - 1))) return EINVAL;
    p = counted(__libc_memalign(align, n));
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
