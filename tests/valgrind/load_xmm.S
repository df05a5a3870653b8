# void load_xmm012(const void *p): xmm0, xmm1, xmm2 <- the 48 bytes at p. These registers are
# caller-saved and never arguments of gcm_ghash_avx, so their content on entry is arbitrary.
	.text
	.globl	load_xmm012
	.type	load_xmm012,@function
load_xmm012:
	vmovdqu	(%rdi), %xmm0
	vmovdqu	16(%rdi), %xmm1
	vmovdqu	32(%rdi), %xmm2
	ret
	.size	load_xmm012,.-load_xmm012
	.section .note.GNU-stack,"",@progbits
