# aws-hpc base image hpc-base-zen2: AMD EPYC 2nd generation (Rome, e.g. EPYC 7R32).
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-zen2:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-zen2:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/amd64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libblis-dev", "libflame-dev"]
ENV AWS_HPC_BASE="zen2" \
    AWS_HPC_MICROARCH="zen2" \
    AWS_HPC_ARCH_FLAGS="-march=znver2 -mtune=znver2" \
    CFLAGS="-O2 -march=znver2 -mtune=znver2" \
    CXXFLAGS="-O2 -march=znver2 -mtune=znver2" \
    FFLAGS="-O2 -march=znver2 -mtune=znver2" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:f25509fb617aea065e90881c25bdc6fd19fc656601090d5720ac9eedfaba9cd2" \
    io.aws-hpc.flags="-march=znver2 -mtune=znver2" \
    io.aws-hpc.math="AOCL-BLIS" \
    io.aws-hpc.microarch="zen2" \
    org.opencontainers.image.description="AMD EPYC 2nd generation (Rome, e.g. EPYC 7R32)." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-zen2" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/amd64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libblis4"]
ENV AWS_HPC_BASE="zen2" \
    AWS_HPC_MICROARCH="zen2" \
    AWS_HPC_ARCH_FLAGS="-march=znver2 -mtune=znver2" \
    CFLAGS="-O2 -march=znver2 -mtune=znver2" \
    CXXFLAGS="-O2 -march=znver2 -mtune=znver2" \
    FFLAGS="-O2 -march=znver2 -mtune=znver2" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:f25509fb617aea065e90881c25bdc6fd19fc656601090d5720ac9eedfaba9cd2" \
    io.aws-hpc.flags="-march=znver2 -mtune=znver2" \
    io.aws-hpc.math="AOCL-BLIS" \
    io.aws-hpc.microarch="zen2" \
    org.opencontainers.image.description="AMD EPYC 2nd generation (Rome, e.g. EPYC 7R32)." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-zen2" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
