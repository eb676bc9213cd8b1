# aws-hpc base image hpc-base-arm64: Baseline 64-bit Arm (Armv8.0-A); runs on every Graviton.
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-arm64:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-arm64:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/arm64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libopenblas-dev"]
ENV AWS_HPC_BASE="arm64" \
    AWS_HPC_MICROARCH="arm64" \
    AWS_HPC_ARCH_FLAGS="-march=armv8-a -mtune=generic" \
    CFLAGS="-O2 -march=armv8-a -mtune=generic" \
    CXXFLAGS="-O2 -march=armv8-a -mtune=generic" \
    FFLAGS="-O2 -march=armv8-a -mtune=generic" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:64475b8986e130c29f74f9d897971d491e16a9de01d2d57b7fc59bd90915532d" \
    io.aws-hpc.flags="-march=armv8-a -mtune=generic" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="arm64" \
    org.opencontainers.image.description="Baseline 64-bit Arm (Armv8.0-A); runs on every Graviton." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-arm64" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/arm64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libopenblas0"]
ENV AWS_HPC_BASE="arm64" \
    AWS_HPC_MICROARCH="arm64" \
    AWS_HPC_ARCH_FLAGS="-march=armv8-a -mtune=generic" \
    CFLAGS="-O2 -march=armv8-a -mtune=generic" \
    CXXFLAGS="-O2 -march=armv8-a -mtune=generic" \
    FFLAGS="-O2 -march=armv8-a -mtune=generic" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:64475b8986e130c29f74f9d897971d491e16a9de01d2d57b7fc59bd90915532d" \
    io.aws-hpc.flags="-march=armv8-a -mtune=generic" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="arm64" \
    org.opencontainers.image.description="Baseline 64-bit Arm (Armv8.0-A); runs on every Graviton." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-arm64" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
