# aws-hpc base image hpc-base-icelake: Intel Xeon Scalable 3rd generation (Ice Lake-SP, e.g. Platinum 8375C): adds AVX-512 VBMI, IFMA, VBMI2, BITALG, VPOPCNTDQ, VAES, VPCLMULQDQ and GFNI. Flags follow archspec, which uses the icelake-client feature set (a subset of icelake-server) for every Ice Lake.
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-icelake:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-icelake:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/amd64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main non-free", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libmkl-dev"]
ENV AWS_HPC_BASE="icelake" \
    AWS_HPC_MICROARCH="icelake" \
    AWS_HPC_ARCH_FLAGS="-march=icelake-client -mtune=icelake-client" \
    CFLAGS="-O2 -march=icelake-client -mtune=icelake-client" \
    CXXFLAGS="-O2 -march=icelake-client -mtune=icelake-client" \
    FFLAGS="-O2 -march=icelake-client -mtune=icelake-client" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:c3014155ee0a940dcd6aeb7fa6023b1b13ac89f390c60456ebed91f38432c96f" \
    io.aws-hpc.flags="-march=icelake-client -mtune=icelake-client" \
    io.aws-hpc.math="oneMKL" \
    io.aws-hpc.microarch="icelake" \
    org.opencontainers.image.description="Intel Xeon Scalable 3rd generation (Ice Lake-SP, e.g. Platinum 8375C): adds AVX-512 VBMI, IFMA, VBMI2, BITALG, VPOPCNTDQ, VAES, VPCLMULQDQ and GFNI. Flags follow archspec, which uses the icelake-client feature set (a subset of icelake-server) for every Ice Lake." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-icelake" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/amd64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main non-free", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libmkl-rt"]
ENV AWS_HPC_BASE="icelake" \
    AWS_HPC_MICROARCH="icelake" \
    AWS_HPC_ARCH_FLAGS="-march=icelake-client -mtune=icelake-client" \
    CFLAGS="-O2 -march=icelake-client -mtune=icelake-client" \
    CXXFLAGS="-O2 -march=icelake-client -mtune=icelake-client" \
    FFLAGS="-O2 -march=icelake-client -mtune=icelake-client" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:c3014155ee0a940dcd6aeb7fa6023b1b13ac89f390c60456ebed91f38432c96f" \
    io.aws-hpc.flags="-march=icelake-client -mtune=icelake-client" \
    io.aws-hpc.math="oneMKL" \
    io.aws-hpc.microarch="icelake" \
    org.opencontainers.image.description="Intel Xeon Scalable 3rd generation (Ice Lake-SP, e.g. Platinum 8375C): adds AVX-512 VBMI, IFMA, VBMI2, BITALG, VPOPCNTDQ, VAES, VPCLMULQDQ and GFNI. Flags follow archspec, which uses the icelake-client feature set (a subset of icelake-server) for every Ice Lake." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-icelake" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
