/*
 * Evidence for the one entry of tests/valgrind.supp (run by ghash-xmm.sh under memcheck).
 *
 * ring's gcm_ghash_avx (pregenerated ghash-x86_64-elf.S), on its short path (< 128 bytes,
 * i.e. every AAD block, record tail and length block of a TLS record), clears its three
 * accumulators by copying xmm0..xmm2 into xmm3..xmm5 and XOR-ing the originals back in
 * (vmovdqa %xmm0,%xmm3 ... vpxor %xmm0,%xmm3,%xmm3). x ^ x is 0 whatever x is, so the result
 * never depends on what the caller left in xmm0..xmm2; but memcheck only recognises the
 * one-register zeroing idiom (vpxor %xmmN,%xmmN), so undefined leftover bits there make the
 * whole GHASH state, and so the GCM tag, "undefined".
 *
 * This program calls that exact function with defined Xi, Htable and input after loading
 * xmm0..xmm2 with defined bytes (two fills) and with bytes marked undefined (two fills), and
 * checks: (1) all four results are bit-identical; (2) memcheck calls the result defined in the
 * first two runs and (3) undefined in the last two. If (3) ever stops holding (ring changed
 * its assembly), the suppression is no longer needed and this check says so.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

typedef struct { uint64_t hi, lo; } u128;
/* ring's symbols carry a version prefix; ghash-xmm.sh passes the names found in the archive. */
void ring_gcm_init_avx(u128 Htable[16], const uint64_t H[2]) __asm__(GCM_INIT_AVX);
void ring_gcm_ghash_avx(uint8_t Xi[16], const u128 Htable[16], const uint8_t *in, size_t len)
    __asm__(GCM_GHASH_AVX);
void load_xmm012(const void *p);

static u128 htable[16] __attribute__((aligned(16)));
static int passed, failed;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
    if (ok) passed++; else failed++;
}

/* GHASH of one fixed block from Xi = 0 after xmm0..2 = `fill` (marked undefined if asked).
   Returns 1 if memcheck considers every bit of the result defined. */
static int ghash_after(unsigned char fill, int mark_undefined, uint8_t out[16])
{
    unsigned char dirt[48], vbits[16];
    uint8_t xi[16] __attribute__((aligned(16))) = { 0 };
    uint8_t in[16];
    int i, defined = 1;
    memset(dirt, fill, sizeof dirt);
    if (mark_undefined) VALGRIND_MAKE_MEM_UNDEFINED(dirt, sizeof dirt);
    for (i = 0; i < 16; i++) in[i] = (uint8_t)(i * 7 + 1);
    load_xmm012(dirt);
    ring_gcm_ghash_avx(xi, htable, in, sizeof in);
    /* Read the shadow bits without raising an error, then look at the value itself. */
    if (VALGRIND_GET_VBITS(xi, vbits, sizeof xi) == 1) {
        for (i = 0; i < 16; i++) defined &= vbits[i] == 0;
    }
    VALGRIND_MAKE_MEM_DEFINED(xi, sizeof xi);
    memcpy(out, xi, 16);
    return defined;
}

int main(void)
{
    /* H = AES-128_{0^128}(0^128), as ring would derive it; any value works. */
    const uint64_t h[2] = { 0x66e94bd4ef8a2c3bULL, 0x884cfa59ca342b2eULL };
    uint8_t r[4][16];
    int d0, d1, u0, u1;
    if (!RUNNING_ON_VALGRIND) {
        printf("ghash_xmm: must run under valgrind (memcheck)\n");
        return 2;
    }
    ring_gcm_init_avx(htable, h);
    d0 = ghash_after(0x00, 0, r[0]);
    d1 = ghash_after(0xa5, 0, r[1]);
    u0 = ghash_after(0x00, 1, r[2]);
    u1 = ghash_after(0x5a, 1, r[3]);
    check(!memcmp(r[0], r[1], 16) && !memcmp(r[0], r[2], 16) && !memcmp(r[0], r[3], 16),
          "GHASH result identical whatever xmm0..2 held (0x00, 0xa5, undefined 0x00, undefined 0x5a)");
    check(d0 && d1, "memcheck: result defined when xmm0..2 were defined");
    check(!u0 && !u1, "memcheck: result 'undefined' when xmm0..2 held undefined bits "
          "(if this fails, ring no longer needs the suppression in tests/valgrind.supp)");
    printf("ghash_xmm: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
