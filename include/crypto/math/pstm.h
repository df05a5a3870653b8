/*
 *	crypto/math/pstm.h
 *	Multiple-precision integer type as seen by applications. The library's
 *	own representation is private: applications only hold pstm_int values
 *	inside keys and must not interpret 'dp' (ABI.md 6.9).
 */
#ifndef _h_PSTMATH
#define _h_PSTMATH

#include "../../core/coreApi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defined here to avoid pulling in <limits.h>. */
#ifndef CHAR_BIT
#define CHAR_BIT	8
#endif

/* The headers' view: 32-bit digits, 64-bit products. */
#ifndef PSTM_32BIT
#define PSTM_32BIT
#endif
typedef uint32		pstm_digit;
typedef uint64_t	pstm_word;
#define DIGIT_BIT	32

#define PSTM_MASK		(pstm_digit)(-1)
#define PSTM_DIGIT_MAX	PSTM_MASK

/* Comparison results and signs */
#define PSTM_LT			-1
#define PSTM_EQ			0
#define PSTM_GT			1

#define PSTM_ZPOS		0
#define PSTM_NEG		1

#define PSTM_OKAY		PS_SUCCESS
#define PSTM_MEM		PS_MEM_FAIL

#define PSTM_DEFAULT_INIT	64
#define PSTM_MAX_SIZE		4096

typedef struct {
	int16		used, alloc, sign;
	pstm_digit	*dp;
} pstm_int;

#define pstm_iszero(a) (((a)->used == 0) ? PS_TRUE : PS_FALSE)
#define pstm_iseven(a) \
	(((a)->used > 0 && (((a)->dp[0] & 1) == 0)) ? PS_TRUE : PS_FALSE)
#define pstm_isodd(a) \
	(((a)->used > 0 && (((a)->dp[0] & 1) == 1)) ? PS_TRUE : PS_FALSE)
#define pstm_abs(a, b)	{ pstm_copy(a, b); (b)->sign = 0; }

/* Internal big-integer helpers (Tier D: declared, not necessarily exported). */
extern void		pstm_set(pstm_int *a, pstm_digit b);
extern void		pstm_zero(pstm_int *a);
extern int32	pstm_init(psPool_t *pool, pstm_int *a);
extern int32	pstm_init_size(psPool_t *pool, pstm_int *a, uint32 size);
extern int32	pstm_init_copy(psPool_t *pool, pstm_int *a, pstm_int *b,
					int16 toSqr);
extern int16	pstm_count_bits(pstm_int *a);
extern int32	pstm_init_for_read_unsigned_bin(psPool_t *pool, pstm_int *a,
					uint32 len);
extern int32	pstm_read_unsigned_bin(pstm_int *a, unsigned char *b, int32 c);
extern int32	pstm_unsigned_bin_size(pstm_int *a);
extern int32	pstm_copy(pstm_int *a, pstm_int *b);
extern void		pstm_exch(pstm_int *a, pstm_int *b);
extern void		pstm_clear(pstm_int *a);
extern void		pstm_clear_multi(pstm_int *mp0, pstm_int *mp1, pstm_int *mp2,
					pstm_int *mp3, pstm_int *mp4, pstm_int *mp5, pstm_int *mp6,
					pstm_int *mp7);
extern int32	pstm_grow(pstm_int *a, int16 size);
extern void		pstm_clamp(pstm_int *a);
extern int32	pstm_cmp(pstm_int *a, pstm_int *b);
extern int32	pstm_cmp_mag(pstm_int *a, pstm_int *b);
extern void		pstm_rshd(pstm_int *a, int16 x);
extern int32	pstm_lshd(pstm_int *a, int16 b);
extern int32	pstm_div(psPool_t *pool, pstm_int *a, pstm_int *b, pstm_int *c,
					pstm_int *d);
extern int32	pstm_div_2d(psPool_t *pool, pstm_int *a, int16 b, pstm_int *c,
					pstm_int *d);
extern int32	pstm_div_2(pstm_int *a, pstm_int *b);
extern int32	s_pstm_sub(pstm_int *a, pstm_int *b, pstm_int *c);
extern int32	pstm_sub(pstm_int *a, pstm_int *b, pstm_int *c);
extern int32	pstm_sub_d(psPool_t *pool, pstm_int *a, pstm_digit b,
					pstm_int *c);
extern int32	pstm_mul_2(pstm_int *a, pstm_int *b);
extern int32	pstm_mod(psPool_t *pool, pstm_int *a, pstm_int *b, pstm_int *c);
extern int32	pstm_mulmod(psPool_t *pool, pstm_int *a, pstm_int *b,
					pstm_int *c, pstm_int *d);
extern int32	pstm_exptmod(psPool_t *pool, pstm_int *G, pstm_int *X,
					pstm_int *P, pstm_int *Y);
extern int32	pstm_2expt(pstm_int *a, int16 b);
extern int32	pstm_add(pstm_int *a, pstm_int *b, pstm_int *c);
extern int32	pstm_to_unsigned_bin(psPool_t *pool, pstm_int *a,
					unsigned char *b);
extern int32	pstm_montgomery_setup(pstm_int *a, pstm_digit *rho);
extern int32	pstm_montgomery_reduce(psPool_t *pool, pstm_int *a,
					pstm_int *m, pstm_digit mp, pstm_digit *paD, uint32 paDlen);
extern int32	pstm_mul_comba(psPool_t *pool, pstm_int *A, pstm_int *B,
					pstm_int *C, pstm_digit *paD, uint32 paDlen);
extern int32	pstm_sqr_comba(psPool_t *pool, pstm_int *A, pstm_int *B,
					pstm_digit *paD, uint32 paDlen);
extern int32	pstm_cmp_d(pstm_int *a, pstm_digit b);
extern int32	pstm_montgomery_calc_normalization(pstm_int *a, pstm_int *b);
extern int32	pstm_mul_d(pstm_int *a, pstm_digit b, pstm_int *c);

#ifdef __cplusplus
}
#endif

#endif /* _h_PSTMATH */
