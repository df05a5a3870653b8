/*
 *	core/coreApi.h
 *	Core return codes, psBuf_t and the core functions.
 */
#ifndef _h_PS_COREAPI
#define _h_PS_COREAPI

#include "coreConfig.h"	/* first: osdep.h depends on HAVE_NATIVE_INT64 */
#include "osdep.h"
#include "list.h"
#include "psmalloc.h"

#ifdef __cplusplus
extern "C" {
#endif

/******************************************************************************/
/* Return codes. Failures are negative; the core uses -2 .. -29. */
#define PS_CORE_IS_OPEN			1

#define PS_SUCCESS				0
#define PS_FAILURE				-1
#define PS_ARG_FAIL				-6	/* bad function argument */
#define PS_PLATFORM_FAIL		-7	/* operating system call failed */
#define PS_MEM_FAIL				-8	/* allocation failed */
#define PS_LIMIT_FAIL			-9	/* sanity or size limit exceeded */
#define PS_UNSUPPORTED_FAIL		-10	/* feature not implemented */
#define PS_DISABLED_FEATURE_FAIL -11	/* feature compiled out */
#define PS_PROTOCOL_FAIL		-12	/* protocol error */
#define PS_TIMEOUT_FAIL			-13	/* timeout (may not be an error) */
#define PS_INTERRUPT_FAIL		-14	/* interrupted (may not be an error) */
#define PS_PENDING				-15	/* in progress (not an error) */

#define PS_TRUE		1
#define PS_FALSE	0

/******************************************************************************/
/*
	psBuf_t: the allocation is [buf, buf + size); valid data is [start, end).
	Reads happen at start, writes at end, frees use buf.
*/
typedef struct {
	unsigned char	*buf;
	unsigned char	*start;
	unsigned char	*end;
	int32			size;
} psBuf_t;

/******************************************************************************/
/* Core API */
PSPUBLIC int32	psCoreOpen(void);
PSPUBLIC void	psCoreClose(void);
PSPUBLIC void	psBurnStack(uint32 len);

PSPUBLIC int32	psGetEntropy(unsigned char *bytes, uint32 size);

PSPUBLIC int32	psGetTime(psTime_t *t);
PSPUBLIC int32	psDiffMsecs(psTime_t then, psTime_t now);
PSPUBLIC int32	psCompareTime(psTime_t a, psTime_t b);

#ifdef MATRIX_USE_FILE_SYSTEM
PSPUBLIC int32	psGetFileBuf(psPool_t *pool, const char *fileName,
					unsigned char **buf, int32 *bufLen);
#endif

#ifdef USE_MULTITHREADING
PSPUBLIC int32	psCreateMutex(psMutex_t *mutex);
PSPUBLIC int32	psLockMutex(psMutex_t *mutex);
PSPUBLIC int32	psUnlockMutex(psMutex_t *mutex);
PSPUBLIC void	psDestroyMutex(psMutex_t *mutex);
#endif

/* List helpers: split a string at a separator; free with psFreeList. */
extern int32	psParseList(psPool_t *pool, char *list, const char separator,
					psList_t **items);
extern void		psFreeList(psList_t *list);

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_COREAPI */
