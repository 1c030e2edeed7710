#!/usr/bin/env bash
# Prints where a test run or benchmark ran: the CPU model, family and the flags that decide libtorch's
# kernels, and the cache sizes oneDNN plans with. Machines of one kind differ (Zen 4, Zen 5, Intel),
# and a fault that one CPU hides another shows. oneDNN's own ISA choice is printed by NativeFaultsTest.
set -uo pipefail
field() { grep -m1 "^$1[[:space:]]*:" /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'; }
echo "CPU: $(field 'model name') (vendor $(field vendor_id), family $(field 'cpu family'), model $(field model), $(nproc) cores visible)"
flags=$(field flags | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_bf16|avx512_fp16|avx512_vp2intersect|avx_vnni|avx512_vnni|amx_bf16|amx_tile|fma)$' | tr '\n' ' ')
echo "CPU flags (of those libtorch dispatches on): ${flags:-none}"
echo "Caches: L1d $(getconf LEVEL1_DCACHE_SIZE 2>/dev/null) B, L2 $(getconf LEVEL2_CACHE_SIZE 2>/dev/null) B, L3 $(getconf LEVEL3_CACHE_SIZE 2>/dev/null) B"
