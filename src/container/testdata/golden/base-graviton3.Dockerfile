# aws-hpc base image hpc-base-graviton3: AWS Graviton3 and Graviton3E (hpc7g), 64 Arm Neoverse-V1 cores (Armv8.4-A + SVE 256-bit, bf16, i8mm, rng). AWS suggests -mcpu=neoverse-512tvb for code that should also run well on Graviton4.
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-graviton3:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-graviton3:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/arm64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libopenblas-dev"]
ENV AWS_HPC_BASE="graviton3" \
    AWS_HPC_MICROARCH="graviton3" \
    AWS_HPC_ARCH_FLAGS="-mcpu=neoverse-v1" \
    CFLAGS="-O2 -mcpu=neoverse-v1" \
    CXXFLAGS="-O2 -mcpu=neoverse-v1" \
    FFLAGS="-O2 -mcpu=neoverse-v1" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:1837abee29fbe96064f2470faea0c21d144453c38ced16b93feaeb6786bc9a95" \
    io.aws-hpc.flags="-mcpu=neoverse-v1" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="graviton3" \
    org.opencontainers.image.description="AWS Graviton3 and Graviton3E (hpc7g), 64 Arm Neoverse-V1 cores (Armv8.4-A + SVE 256-bit, bf16, i8mm, rng). AWS suggests -mcpu=neoverse-512tvb for code that should also run well on Graviton4." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-graviton3" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/arm64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libopenblas0"]
ENV AWS_HPC_BASE="graviton3" \
    AWS_HPC_MICROARCH="graviton3" \
    AWS_HPC_ARCH_FLAGS="-mcpu=neoverse-v1" \
    CFLAGS="-O2 -mcpu=neoverse-v1" \
    CXXFLAGS="-O2 -mcpu=neoverse-v1" \
    FFLAGS="-O2 -mcpu=neoverse-v1" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:1837abee29fbe96064f2470faea0c21d144453c38ced16b93feaeb6786bc9a95" \
    io.aws-hpc.flags="-mcpu=neoverse-v1" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="graviton3" \
    org.opencontainers.image.description="AWS Graviton3 and Graviton3E (hpc7g), 64 Arm Neoverse-V1 cores (Armv8.4-A + SVE 256-bit, bf16, i8mm, rng). AWS suggests -mcpu=neoverse-512tvb for code that should also run well on Graviton4." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-graviton3" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
