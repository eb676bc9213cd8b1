# aws-hpc base image hpc-base-x86_64: Baseline x86-64 (SSE2); runs on every x86 instance.
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-x86_64:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-x86_64:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/amd64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libopenblas-dev"]
ENV AWS_HPC_BASE="x86_64" \
    AWS_HPC_MICROARCH="x86_64" \
    AWS_HPC_ARCH_FLAGS="-march=x86-64 -mtune=generic" \
    CFLAGS="-O2 -march=x86-64 -mtune=generic" \
    CXXFLAGS="-O2 -march=x86-64 -mtune=generic" \
    FFLAGS="-O2 -march=x86-64 -mtune=generic" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:072c0eb16ad8c217656918d93e94c42facc436072d6c2b81a1ab92bdad000f6c" \
    io.aws-hpc.flags="-march=x86-64 -mtune=generic" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="x86_64" \
    org.opencontainers.image.description="Baseline x86-64 (SSE2); runs on every x86 instance." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-x86_64" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/amd64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libopenblas0"]
ENV AWS_HPC_BASE="x86_64" \
    AWS_HPC_MICROARCH="x86_64" \
    AWS_HPC_ARCH_FLAGS="-march=x86-64 -mtune=generic" \
    CFLAGS="-O2 -march=x86-64 -mtune=generic" \
    CXXFLAGS="-O2 -march=x86-64 -mtune=generic" \
    FFLAGS="-O2 -march=x86-64 -mtune=generic" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:072c0eb16ad8c217656918d93e94c42facc436072d6c2b81a1ab92bdad000f6c" \
    io.aws-hpc.flags="-march=x86-64 -mtune=generic" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="x86_64" \
    org.opencontainers.image.description="Baseline x86-64 (SSE2); runs on every x86 instance." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-x86_64" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
