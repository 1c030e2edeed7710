# Sourced by the launcher scripts: the environment every JVM that runs libtorch needs, read by native
# code at process start (so it cannot be set from Java). Kept equal to io.attnspark.train.NativeEnvironment,
# pom.xml, conf/spark-defaults.conf and docker/ (NativeEnvironmentFilesTest checks). Values already set win.
# - OMP_WAIT_POLICY=PASSIVE: libtorch's OpenMP threads otherwise spin and stall for seconds on small machines.
# - GLIBC_TUNABLES: keep freed tensor buffers in malloc's arenas instead of returning them to the kernel
#   and faulting them in again on every forward pass (~10% of scoring and training time).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.top_pad=67108864:glibc.malloc.trim_threshold=268435456}"
