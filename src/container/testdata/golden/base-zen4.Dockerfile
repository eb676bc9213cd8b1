# aws-hpc base image hpc-base-zen4: AMD EPYC 4th generation (Genoa, e.g. EPYC 9R14): adds AVX-512 (F, DQ, IFMA, CD, BW, VL, BF16, VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ) to Zen 3. GCC learned znver4 in 12.3.
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-zen4:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-zen4:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/amd64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libblis-dev", "libflame-dev"]
ENV AWS_HPC_BASE="zen4" \
    AWS_HPC_MICROARCH="zen4" \
    AWS_HPC_ARCH_FLAGS="-march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    CFLAGS="-O2 -march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    CXXFLAGS="-O2 -march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    FFLAGS="-O2 -march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:4f7348c4d8b93618499ae7fb0d3a4f811bd796d55886c10f4e8e4ffc0e61e740" \
    io.aws-hpc.flags="-march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    io.aws-hpc.math="AOCL-BLIS" \
    io.aws-hpc.microarch="zen4" \
    org.opencontainers.image.description="AMD EPYC 4th generation (Genoa, e.g. EPYC 9R14): adds AVX-512 (F, DQ, IFMA, CD, BW, VL, BF16, VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ) to Zen 3. GCC learned znver4 in 12.3." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-zen4" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/amd64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libblis4"]
ENV AWS_HPC_BASE="zen4" \
    AWS_HPC_MICROARCH="zen4" \
    AWS_HPC_ARCH_FLAGS="-march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    CFLAGS="-O2 -march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    CXXFLAGS="-O2 -march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    FFLAGS="-O2 -march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:4f7348c4d8b93618499ae7fb0d3a4f811bd796d55886c10f4e8e4ffc0e61e740" \
    io.aws-hpc.flags="-march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw -mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg" \
    io.aws-hpc.math="AOCL-BLIS" \
    io.aws-hpc.microarch="zen4" \
    org.opencontainers.image.description="AMD EPYC 4th generation (Genoa, e.g. EPYC 9R14): adds AVX-512 (F, DQ, IFMA, CD, BW, VL, BF16, VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ) to Zen 3. GCC learned znver4 in 12.3." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-zen4" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
