# aws-hpc base image hpc-base-cascadelake: Intel Xeon Scalable 2nd generation (Cascade Lake, e.g. Platinum 8275CL/8259CL/8252C): adds AVX-512 VNNI to Skylake-SP.
# Rendered from data/containers/base.Dockerfile.in by `aws-hpc base build`. Stage `devel` has the compilers,
# MPI and library headers (tag hpc-base-cascadelake:20261129-devel); the final stage carries runtime libraries only
# (tag hpc-base-cascadelake:20261129). Application images build FROM the first and run FROM the second.
FROM --platform=linux/amd64 docker.io/library/debian:bookworm AS devel
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main non-free", "build-essential", "gfortran", "cmake", "pkg-config", "libopenmpi-dev", "openmpi-bin", "libfabric-dev", "libhdf5-openmpi-dev", "libnetcdf-dev", "libnetcdff-dev", "libmkl-dev"]
ENV AWS_HPC_BASE="cascadelake" \
    AWS_HPC_MICROARCH="cascadelake" \
    AWS_HPC_ARCH_FLAGS="-march=cascadelake -mtune=cascadelake" \
    CFLAGS="-O2 -march=cascadelake -mtune=cascadelake" \
    CXXFLAGS="-O2 -march=cascadelake -mtune=cascadelake" \
    FFLAGS="-O2 -march=cascadelake -mtune=cascadelake" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:782e25799bf36080cd8c72767b6f6b7e7633ee2c6cdb727f05cd21789d7fc0a8" \
    io.aws-hpc.flags="-march=cascadelake -mtune=cascadelake" \
    io.aws-hpc.math="oneMKL" \
    io.aws-hpc.microarch="cascadelake" \
    org.opencontainers.image.description="Intel Xeon Scalable 2nd generation (Cascade Lake, e.g. Platinum 8275CL/8259CL/8252C): adds AVX-512 VNNI to Skylake-SP." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-cascadelake" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm"

FROM --platform=linux/amd64 docker.io/library/debian:bookworm-slim AS runtime
COPY aws-hpc-install-packages /usr/local/bin/aws-hpc-install-packages
RUN ["/usr/local/bin/aws-hpc-install-packages", "--components", "main non-free", "ca-certificates", "openmpi-bin", "libopenmpi3", "libfabric1", "libhdf5-openmpi-103-1", "libnetcdf19", "libnetcdff7", "libmkl-rt"]
ENV AWS_HPC_BASE="cascadelake" \
    AWS_HPC_MICROARCH="cascadelake" \
    AWS_HPC_ARCH_FLAGS="-march=cascadelake -mtune=cascadelake" \
    CFLAGS="-O2 -march=cascadelake -mtune=cascadelake" \
    CXXFLAGS="-O2 -march=cascadelake -mtune=cascadelake" \
    FFLAGS="-O2 -march=cascadelake -mtune=cascadelake" \
    OMPI_MCA_plm_rsh_agent="/bin/false"
LABEL io.aws-hpc.arch="x86_64" \
    io.aws-hpc.compiler="gcc 12.2" \
    io.aws-hpc.content-hash="sha256:782e25799bf36080cd8c72767b6f6b7e7633ee2c6cdb727f05cd21789d7fc0a8" \
    io.aws-hpc.flags="-march=cascadelake -mtune=cascadelake" \
    io.aws-hpc.math="oneMKL" \
    io.aws-hpc.microarch="cascadelake" \
    org.opencontainers.image.description="Intel Xeon Scalable 2nd generation (Cascade Lake, e.g. Platinum 8275CL/8259CL/8252C): adds AVX-512 VNNI to Skylake-SP." \
    org.opencontainers.image.revision="abc123" \
    org.opencontainers.image.source="https://example.org/aws-hpc" \
    org.opencontainers.image.title="hpc-base-cascadelake" \
    org.opencontainers.image.version="20261129" \
    org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
