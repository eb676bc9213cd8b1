# aws-hpc base image hpc-base-cuda-arm64: CUDA on arm64 (Baseline 64-bit Arm (Armv8.0-A); runs on every Graviton.)
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-cuda-arm64:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-cuda-arm64:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/arm64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main non-free", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libopenblas-dev", "nvidia-cuda-toolkit"]
ENV AWS_HPC_BASE="cuda-arm64" \
    AWS_HPC_MICROARCH="arm64" \
    AWS_HPC_ARCH_FLAGS="-march=armv8-a -mtune=generic" \
    CFLAGS="-O2 -march=armv8-a -mtune=generic" \
    CXXFLAGS="-O2 -march=armv8-a -mtune=generic" \
    FFLAGS="-O2 -march=armv8-a -mtune=generic" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:d8b40db1d68a76105e0f68cc121a4f8bb74d8ce3016deaca483c0d32c129c71e" \
    io.aws-hpc.flags="-march=armv8-a -mtune=generic" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="arm64" \
    org.opencontainers.image.description="CUDA on arm64 (Baseline 64-bit Arm (Armv8.0-A); runs on every Graviton.)" \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-cuda-arm64" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/arm64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main non-free", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libopenblas0", "nvidia-cuda-toolkit"]
ENV AWS_HPC_BASE="cuda-arm64" \
    AWS_HPC_MICROARCH="arm64" \
    AWS_HPC_ARCH_FLAGS="-march=armv8-a -mtune=generic" \
    CFLAGS="-O2 -march=armv8-a -mtune=generic" \
    CXXFLAGS="-O2 -march=armv8-a -mtune=generic" \
    FFLAGS="-O2 -march=armv8-a -mtune=generic" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:d8b40db1d68a76105e0f68cc121a4f8bb74d8ce3016deaca483c0d32c129c71e" \
    io.aws-hpc.flags="-march=armv8-a -mtune=generic" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="arm64" \
    org.opencontainers.image.description="CUDA on arm64 (Baseline 64-bit Arm (Armv8.0-A); runs on every Graviton.)" \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-cuda-arm64" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
