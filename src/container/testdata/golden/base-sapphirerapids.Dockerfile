# aws-hpc base image hpc-base-sapphirerapids: Intel Xeon Scalable 4th generation (Sapphire Rapids, e.g. Platinum 8488C): adds AVX-512 BF16, AVX-512 FP16 and AMX tiles. There is no hpc7i family; the HPC family of this generation is hpc7a (AMD).
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-sapphirerapids:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-sapphirerapids:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/amd64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main non-free", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libmkl-dev"]
ENV AWS_HPC_BASE="sapphirerapids" \
    AWS_HPC_MICROARCH="sapphirerapids" \
    AWS_HPC_ARCH_FLAGS="-march=sapphirerapids -mtune=sapphirerapids" \
    CFLAGS="-O2 -march=sapphirerapids -mtune=sapphirerapids" \
    CXXFLAGS="-O2 -march=sapphirerapids -mtune=sapphirerapids" \
    FFLAGS="-O2 -march=sapphirerapids -mtune=sapphirerapids" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:62577c70cee6680a00ca713dca7efa8eef5e00dca394774f691b2599082024ea" \
    io.aws-hpc.flags="-march=sapphirerapids -mtune=sapphirerapids" \
    io.aws-hpc.math="oneMKL" \
    io.aws-hpc.microarch="sapphirerapids" \
    org.opencontainers.image.description="Intel Xeon Scalable 4th generation (Sapphire Rapids, e.g. Platinum 8488C): adds AVX-512 BF16, AVX-512 FP16 and AMX tiles. There is no hpc7i family; the HPC family of this generation is hpc7a (AMD)." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-sapphirerapids" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/amd64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main non-free", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libmkl-rt"]
ENV AWS_HPC_BASE="sapphirerapids" \
    AWS_HPC_MICROARCH="sapphirerapids" \
    AWS_HPC_ARCH_FLAGS="-march=sapphirerapids -mtune=sapphirerapids" \
    CFLAGS="-O2 -march=sapphirerapids -mtune=sapphirerapids" \
    CXXFLAGS="-O2 -march=sapphirerapids -mtune=sapphirerapids" \
    FFLAGS="-O2 -march=sapphirerapids -mtune=sapphirerapids" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:62577c70cee6680a00ca713dca7efa8eef5e00dca394774f691b2599082024ea" \
    io.aws-hpc.flags="-march=sapphirerapids -mtune=sapphirerapids" \
    io.aws-hpc.math="oneMKL" \
    io.aws-hpc.microarch="sapphirerapids" \
    org.opencontainers.image.description="Intel Xeon Scalable 4th generation (Sapphire Rapids, e.g. Platinum 8488C): adds AVX-512 BF16, AVX-512 FP16 and AMX tiles. There is no hpc7i family; the HPC family of this generation is hpc7a (AMD)." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-sapphirerapids" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
