/* fiber_switch.S: the x86-64 context switch under beat's fibers. A context
 * is just its saved stack pointer: the callee-saved registers, the SSE
 * control/status word and the x87 control word are pushed on the stack
 * being left and popped from the stack being entered (SysV ABI). Other
 * architectures, and builds with -DBEAT_FIBER_UCONTEXT, use ucontext in
 * fiber_ctx.c instead. */
#if defined(__x86_64__) && !defined(BEAT_FIBER_UCONTEXT)
	.text

/* void beat_ctx_swap(void **save_sp, void *load_sp) */
	.globl	beat_ctx_swap
	.hidden	beat_ctx_swap
	.type	beat_ctx_swap, @function
	.p2align 4
beat_ctx_swap:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	beat_ctx_swap, .-beat_ctx_swap

/* Where a new context starts (its first beat_ctx_swap "returns" here):
 * %r12 holds the entry function and %r13 its argument; the entry never
 * returns. */
	.globl	beat_ctx_start
	.hidden	beat_ctx_start
	.type	beat_ctx_start, @function
	.p2align 4
beat_ctx_start:
	.cfi_startproc
	.cfi_undefined rip
	movq	%r13, %rdi
	callq	*%r12
	ud2
	.cfi_endproc
	.size	beat_ctx_start, .-beat_ctx_start
#endif
	.section .note.GNU-stack,"",@progbits
