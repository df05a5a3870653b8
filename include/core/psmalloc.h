/*
 *	core/psmalloc.h
 *	Memory macros: the library and applications use the C allocator, so
 *	memory from psMalloc may be released with free() and vice versa.
 */
#ifndef _h_PS_MALLOC
#define _h_PS_MALLOC

#include <string.h>
#include <stdlib.h>
#include "osdep.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pool handles exist only for source compatibility; they are always NULL. */
typedef int32 psPool_t;

#define MATRIX_NO_POOL		(void *)0x0
#define MAX_MEMORY_USAGE	0

#define psOpenMalloc()			0
#define psCloseMalloc()
#define psDefineHeap(A, B)
#define psAddPoolCache(A, B)

/* The pool argument is dropped unevaluated (and never named): callers pass
   identifiers that exist nowhere, such as PEERSEC_NO_POOL. */
#define psMalloc(A, B)		malloc(B)
#define psCalloc(A, B, C)	calloc(B, C)
#define psMallocNoPool		malloc
#define psRealloc			realloc
#define psFree				free
#define psMemset			memset
#define psMemcpy			memcpy

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_MALLOC */
