# aws-hpc base image hpc-base-graviton2: AWS Graviton2, 64 Arm Neoverse-N1 cores (Armv8.2-A + fp16, rcpc, dotprod, crypto; LSE).
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-graviton2:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-graviton2:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/arm64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libopenblas-dev"]
ENV AWS_HPC_BASE="graviton2" \
    AWS_HPC_MICROARCH="graviton2" \
    AWS_HPC_ARCH_FLAGS="-mcpu=neoverse-n1" \
    CFLAGS="-O2 -mcpu=neoverse-n1" \
    CXXFLAGS="-O2 -mcpu=neoverse-n1" \
    FFLAGS="-O2 -mcpu=neoverse-n1" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:b1ed711fe8020859aa33f81c7d491b2c377bcb530d2bd2ae4429e9be48c12a96" \
    io.aws-hpc.flags="-mcpu=neoverse-n1" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="graviton2" \
    org.opencontainers.image.description="AWS Graviton2, 64 Arm Neoverse-N1 cores (Armv8.2-A + fp16, rcpc, dotprod, crypto; LSE)." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-graviton2" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/arm64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libopenblas0"]
ENV AWS_HPC_BASE="graviton2" \
    AWS_HPC_MICROARCH="graviton2" \
    AWS_HPC_ARCH_FLAGS="-mcpu=neoverse-n1" \
    CFLAGS="-O2 -mcpu=neoverse-n1" \
    CXXFLAGS="-O2 -mcpu=neoverse-n1" \
    FFLAGS="-O2 -mcpu=neoverse-n1" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:b1ed711fe8020859aa33f81c7d491b2c377bcb530d2bd2ae4429e9be48c12a96" \
    io.aws-hpc.flags="-mcpu=neoverse-n1" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="graviton2" \
    org.opencontainers.image.description="AWS Graviton2, 64 Arm Neoverse-N1 cores (Armv8.2-A + fp16, rcpc, dotprod, crypto; LSE)." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-graviton2" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
