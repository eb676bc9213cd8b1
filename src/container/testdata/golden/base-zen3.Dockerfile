# aws-hpc base image hpc-base-zen3: AMD EPYC 3rd generation (Milan, e.g. EPYC 7R13): adds VAES and VPCLMULQDQ to Zen 2.
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-zen3:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-zen3:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/amd64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libblis-dev", "libflame-dev"]
ENV AWS_HPC_BASE="zen3" \
    AWS_HPC_MICROARCH="zen3" \
    AWS_HPC_ARCH_FLAGS="-march=znver3 -mtune=znver3" \
    CFLAGS="-O2 -march=znver3 -mtune=znver3" \
    CXXFLAGS="-O2 -march=znver3 -mtune=znver3" \
    FFLAGS="-O2 -march=znver3 -mtune=znver3" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:8f1bac98f02374aed37fe117c0289fd6a15dafd7d4a1c26228f147be4ca7fde4" \
    io.aws-hpc.flags="-march=znver3 -mtune=znver3" \
    io.aws-hpc.math="AOCL-BLIS" \
    io.aws-hpc.microarch="zen3" \
    org.opencontainers.image.description="AMD EPYC 3rd generation (Milan, e.g. EPYC 7R13): adds VAES and VPCLMULQDQ to Zen 2." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-zen3" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/amd64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libblis4"]
ENV AWS_HPC_BASE="zen3" \
    AWS_HPC_MICROARCH="zen3" \
    AWS_HPC_ARCH_FLAGS="-march=znver3 -mtune=znver3" \
    CFLAGS="-O2 -march=znver3 -mtune=znver3" \
    CXXFLAGS="-O2 -march=znver3 -mtune=znver3" \
    FFLAGS="-O2 -march=znver3 -mtune=znver3" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:8f1bac98f02374aed37fe117c0289fd6a15dafd7d4a1c26228f147be4ca7fde4" \
    io.aws-hpc.flags="-march=znver3 -mtune=znver3" \
    io.aws-hpc.math="AOCL-BLIS" \
    io.aws-hpc.microarch="zen3" \
    org.opencontainers.image.description="AMD EPYC 3rd generation (Milan, e.g. EPYC 7R13): adds VAES and VPCLMULQDQ to Zen 2." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-zen3" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
