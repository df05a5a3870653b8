/*
 *	core/osdep.h
 *	Platform layer: integer typedefs, psTime_t, PSPUBLIC, raw trace and error
 *	functions and the psAssert/psError macros.
 */
#ifndef _h_PS_PLATFORM
#define _h_PS_PLATFORM

/* LINUX and OSX imply POSIX. POSIX is never defined in any other case:
   applications branch on it (ABI.md 1.4). */
#ifndef POSIX
#if defined(LINUX) || defined(OSX)
#define POSIX
#endif
#endif

/* Decision D1: the typedefs are also provided on Linux when no platform
   macro was given at all. */
#if !defined(POSIX) && !defined(__linux__)
#error "MatrixSSL headers: compile with -DPOSIX (or -DLINUX / -DOSX)"
#endif

/* The six system headers the 3.3 headers made visible; applications call
   printf, memcpy, malloc, strlen... without including them themselves. */
#include <stdio.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>
#include <string.h>
#include <stdlib.h>
#ifdef MATRIX_USE_FILE_SYSTEM
#include <sys/stat.h>
#endif
#ifdef USE_MULTITHREADING
#include <pthread.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/******************************************************************************/
/* Integer types and time */

typedef int32_t		int32;
typedef uint32_t	uint32;
typedef int16_t		int16;
typedef uint16_t	uint16;
#ifdef HAVE_NATIVE_INT64
typedef int64_t		int64;
typedef uint64_t	uint64;
#endif

/* An opaque time value; passed by value to psDiffMsecs/psCompareTime. */
typedef struct timeval psTime_t;

#ifdef USE_MULTITHREADING
typedef pthread_mutex_t psMutex_t;
#endif

#define PSPUBLIC extern

/* Hardware abstraction hook: nothing to do on a hosted platform. */
#define halAlert()

#ifndef min
#define min(a, b)	(((a) < (b)) ? (a) : (b))
#endif

/******************************************************************************/
/* Platform hooks implemented by the library (Tier D) */
extern int	osdepTraceOpen(void);
extern void	osdepTraceClose(void);
extern int	osdepTimeOpen(void);
extern void	osdepTimeClose(void);
extern int	osdepEntropyOpen(void);
extern void	osdepEntropyClose(void);

/******************************************************************************/
/* Raw trace and error output: printf-style, to the process's stdout. */
PSPUBLIC void _psTrace(char *msg);
PSPUBLIC void _psTraceInt(char *msg, int32 val);
PSPUBLIC void _psTraceStr(char *msg, char *val);
PSPUBLIC void _psTracePtr(char *message, void *value);
PSPUBLIC void psTraceBytes(char *tag, unsigned char *p, int l);

PSPUBLIC void _psError(char *msg);
PSPUBLIC void _psErrorInt(char *msg, int32 val);
PSPUBLIC void _psErrorStr(char *msg, char *val);

/* Core-layer trace: compiled out (USE_CORE_TRACE is not defined). */
#ifndef USE_CORE_TRACE
#define psTraceCore(x)
#define psTraceStrCore(x, y)
#define psTraceIntCore(x, y)
#define psTracePtrCore(x, y)
#else
#define psTraceCore(x)			_psTrace(x)
#define psTraceStrCore(x, y)	_psTraceStr(x, y)
#define psTraceIntCore(x, y)	_psTraceInt(x, y)
#define psTracePtrCore(x, y)	_psTracePtr(x, y)
#endif

/*
	psAssert(C): one if/else statement; the caller supplies the ';'.
	"if C then nothing, else report": it never captures a following 'else'
	and can itself stand before one. Prints "psAssert <file>:<line> <C>" and
	never aborts. The casts keep C++ callers free of string-literal warnings.
*/
#define psAssert(C)	if (C) ; else do { halAlert(); \
	_psTraceStr((char *)"psAssert %s", (char *)__FILE__); \
	_psTraceInt((char *)":%d ", __LINE__); \
	_psError((char *)#C); } while (0)

/*
	psError family: a plain sequence of statements (not a block), as in 3.3.
*/
#define psError(a) \
	halAlert(); _psTraceStr((char *)"psError %s", (char *)__FILE__); \
	_psTraceInt((char *)":%d ", __LINE__); \
	_psError(a);

#define psErrorStr(a, b) \
	halAlert(); _psTraceStr((char *)"psError %s", (char *)__FILE__); \
	_psTraceInt((char *)":%d ", __LINE__); \
	_psErrorStr(a, b)

#define psErrorInt(a, b) \
	halAlert(); _psTraceStr((char *)"psError %s", (char *)__FILE__); \
	_psTraceInt((char *)":%d ", __LINE__); \
	_psErrorInt(a, b)

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_PLATFORM */
