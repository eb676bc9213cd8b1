# aws-hpc base image hpc-base-graviton4: AWS Graviton4, 96 Arm Neoverse-V2 cores per socket (Armv9.0-A + SVE2 128-bit, bf16, i8mm). AWS's guide says GCC 13; archspec records the GCC 12.3 and 11.4 backports of neoverse-v2.
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-graviton4:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-graviton4:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/arm64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libopenblas-dev"]
ENV AWS_HPC_BASE="graviton4" \
    AWS_HPC_MICROARCH="graviton4" \
    AWS_HPC_ARCH_FLAGS="-march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    CFLAGS="-O2 -march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    CXXFLAGS="-O2 -march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    FFLAGS="-O2 -march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:c2a7ced49543206ea3413012cfb4582fa0b9bb4024811cb5137901525cbcf9ca" \
    io.aws-hpc.flags="-march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="graviton4" \
    org.opencontainers.image.description="AWS Graviton4, 96 Arm Neoverse-V2 cores per socket (Armv9.0-A + SVE2 128-bit, bf16, i8mm). AWS's guide says GCC 13; archspec records the GCC 12.3 and 11.4 backports of neoverse-v2." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-graviton4" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/arm64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libopenblas0"]
ENV AWS_HPC_BASE="graviton4" \
    AWS_HPC_MICROARCH="graviton4" \
    AWS_HPC_ARCH_FLAGS="-march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    CFLAGS="-O2 -march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    CXXFLAGS="-O2 -march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    FFLAGS="-O2 -march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="aarch64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:c2a7ced49543206ea3413012cfb4582fa0b9bb4024811cb5137901525cbcf9ca" \
    io.aws-hpc.flags="-march=armv9-a+i8mm+bf16 -mtune=cortex-a710" \
    io.aws-hpc.math="OpenBLAS" \
    io.aws-hpc.microarch="graviton4" \
    org.opencontainers.image.description="AWS Graviton4, 96 Arm Neoverse-V2 cores per socket (Armv9.0-A + SVE2 128-bit, bf16, i8mm). AWS's guide says GCC 13; archspec records the GCC 12.3 and 11.4 backports of neoverse-v2." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-graviton4" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
