/*
 *	core/coreConfig.h
 *	Core-layer configuration of the MatrixSSL 3.3 compatible header set.
 *
 *	This file holds feature macros only (ABI.md 1.5 rule 5): an application that
 *	brings its own configuration may suppress it by predefining _h_PS_CORECONFIG
 *	without losing any type, constant or prototype.
 */
#ifndef _h_PS_CORECONFIG
#define _h_PS_CORECONFIG

/* The platform has 64-bit integers (declares int64/uint64 in osdep.h). */
#define HAVE_NATIVE_INT64

/* Options of the reference configuration that stay off:
	HALT_ON_PS_ERROR	psError never halts
	USE_CORE_TRACE		psTrace*Core macros expand to nothing
	USE_MULTITHREADING	no psMutex_t API (the library locks internally) */

#endif /* _h_PS_CORECONFIG */
