/*
 *	core/list.h
 *	Intrusive circular doubly linked list macros and a simple singly linked
 *	list type.
 */
#ifndef _h_PS_COREUTIL
#define _h_PS_COREUTIL

#include "osdep.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
	A list head is a DLListEntry whose pNext/pPrev point to itself when the
	list is empty; elements embed a DLListEntry and are found again with
	DLListGetContainer.
*/
typedef struct _DLListEntry {
	struct _DLListEntry *pNext, *pPrev;
} DLListEntry;

/* Expression: make 'L' an empty list. */
#define DLListInit(L) \
	(L)->pNext = (L)->pPrev = (L)

/* Block: link node 'N' right after head 'H'. */
#define DLListInsertHead(H, N) { \
	psAssert((H) != (N)); \
	(N)->pNext = (H)->pNext; \
	(N)->pPrev = (H); \
	(H)->pNext->pPrev = (N); \
	(H)->pNext = (N); \
}

/* Block: link node 'N' right before head 'H' (at the tail). */
#define DLListInsertTail(H, N) { \
	psAssert((H) != (N)); \
	(N)->pNext = (H); \
	(N)->pPrev = (H)->pPrev; \
	(H)->pPrev->pNext = (N); \
	(H)->pPrev = (N); \
}

/* Block: unlink 'N'; its own pointers are left as they were. */
#define DLListRemove(N) { \
	(N)->pNext->pPrev = (N)->pPrev; \
	(N)->pPrev->pNext = (N)->pNext; \
}

#define DLListIsEmpty(H) ((H)->pNext == (H))

/* Pointer to the structure of type T whose member 'field' is at 'P'. */
#define DLListGetContainer(P, T, field) \
	((T *)((char *)(P) - (long)(&((T *)0)->field)))

/*
	Detach the first (DLListGetHead) or last (DLListGetTail) element and
	yield it. Multi-statement on purpose, as in 3.3: use it only as
		x = DLListGetHead(&head);
	The expansion begins with the expression the assignment captures and
	continues with the statements that unlink that node. The list must not
	be empty.
*/
#define DLListGetHead(H) \
	(H)->pNext; \
	(H)->pNext->pNext->pPrev = (H); \
	(H)->pNext = (H)->pNext->pNext;

#define DLListGetTail(H) \
	(H)->pPrev; \
	(H)->pPrev->pPrev->pNext = (H); \
	(H)->pPrev = (H)->pPrev->pPrev;

/* Singly linked list of byte strings (psParseList). */
typedef struct psList {
	unsigned char	*item;
	uint32			len;
	struct psList	*next;
} psList_t;

#ifdef __cplusplus
}
#endif

#endif /* _h_PS_COREUTIL */
