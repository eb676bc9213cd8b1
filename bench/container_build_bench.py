#!/usr/bin/env python3
"""container_build_bench: `aws-hpc app build` beside plain `buildah bud` of the same Dockerfile.

Usage: bench/container_build_bench.py BUILD_DIR/bin [RUNS]

Measures, for LAMMPS's serial x86_64 image on a small base made offline (the installed lammps
and Open MPI files with their ldd closure plus busybox-static, FROM scratch; no network pulls):
  first build          aws-hpc (nothing cached)      vs buildah bud --layers --no-cache
  nothing changed      aws-hpc (content-hash label)  vs buildah bud --layers (its layer cache)
  one-line spec change aws-hpc (rebuilds)            vs buildah bud --layers of the new context
The peer builds the very context aws-hpc wrote ($AWS_HPC_HOME/builds/...), so both build the
same Dockerfile, FROM a base of its own with the same files (so neither reuses the other's layers). Every command is an argv list (no shell). Prints medians of RUNS rounds.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(argv, env=None, check=True):
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"container_build_bench: {' '.join(argv[:4])} ... failed "
                 f"({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result


def timed(argv, env=None):
    start = time.monotonic()
    run(argv, env)
    return time.monotonic() - start


def make_base(root):
    """The offline LAMMPS base's root, as the e2e test makes it: lmp, Open MPI's programs and
    plugins with every library ldd names, Open MPI's and PMIx's data files, busybox."""
    triplet = "aarch64-linux-gnu" if os.uname().machine == "aarch64" else "x86_64-linux-gnu"
    files = {"/usr/bin/lmp", os.path.realpath("/usr/bin/orted"), os.path.realpath("/usr/bin/mpirun")}
    for plugins in (f"/usr/lib/{triplet}/openmpi", f"/usr/lib/{triplet}/pmix2"):
        for dirpath, _, names in os.walk(plugins):
            files.update(os.path.join(dirpath, n) for n in names if n.endswith(".so"))
    closure = set(files)
    for path in files:
        for line in run(["ldd", path], check=False).stdout.splitlines():
            closure.update(p for p in re.findall(r"(/[^ \t()]+)", line) if os.path.exists(p))
    for path in closure:
        target = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.realpath(path), target)
        shutil.copymode(os.path.realpath(path), target)
    for data in ("/usr/share/openmpi", "/etc/openmpi", "/usr/share/pmix", "/etc/pmix"):
        if os.path.isdir(data):
            shutil.copytree(os.path.realpath(data), os.path.join(root, data.lstrip("/")),
                            symlinks=True, dirs_exist_ok=True)
    for link in ("/usr/bin/orted", "/usr/bin/mpirun"):
        target = os.path.join(root, link.lstrip("/"))
        if not os.path.lexists(target):
            os.symlink(os.path.realpath(link), target)
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    shutil.copy2("/bin/busybox", os.path.join(root, "bin/busybox"))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    bin_dir = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    aws_hpc = os.path.join(bin_dir, "aws-hpc")
    for tool in ("buildah", "ldd"):
        if shutil.which(tool) is None:
            sys.exit(f"container_build_bench: {tool} is missing (Debian package {tool})")
    work = tempfile.mkdtemp(prefix="ctr-bench-")
    base_tag = f"localhost/aws-hpc-bench/lammps-base:{os.getpid()}"
    image = "aws-hpc/lammps:29Sep2021-update2-serial-x86_64"
    peer = f"localhost/aws-hpc-bench/peer:{os.getpid()}"
    peer_base = f"localhost/aws-hpc-bench/peer-base:{os.getpid()}"
    try:
        make_base(os.path.join(work, "base/root"))
        with open(os.path.join(work, "base/Dockerfile"), "w") as f:
            f.write('FROM scratch\nCOPY root/ /\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n'
                    "ENV PATH=/usr/local/bin:/usr/bin:/bin OMPI_MCA_plm_rsh_agent=/bin/false\n")
        recipe = os.path.join(work, "recipe.yaml")
        with open(recipe, "w") as f:
            f.write("app: lammps\ncheck: [lmp, -h]\n")

        rounds = {k: [] for k in ("first", "hit", "change")}
        for r in range(runs):
            # Two bases of their own per round, the same files but a different id (one file
            # differs): no layer of an earlier round, or of the other tool, can be reused, so
            # each tool's first build is cold and its later builds see only its own cache.
            for tag, who in ((base_tag, "aws-hpc"), (peer_base, "peer")):
                with open(os.path.join(work, "base/root/round"), "w") as f:
                    f.write(f"{os.getpid()} {r} {who}\n")
                run(["buildah", "bud", "--isolation", "chroot", "-t", tag,
                     os.path.join(work, "base")])
            apps = os.path.join(work, f"apps{r}")
            shutil.copytree(os.path.join(SOURCE, "apps/lammps"), os.path.join(apps, "lammps"))
            env = dict(os.environ, AWS_HPC_HOME=os.path.join(work, f"home{r}"),
                       AWS_HPC_APPS_PATH=apps)
            build = [aws_hpc, "app", "build", "lammps", "--variant", "serial", "--arch", "x86_64",
                     "--base", base_tag, "--recipe", recipe, "--tool", "buildah"]
            context = os.path.join(env["AWS_HPC_HOME"], "builds",
                                   "lammps-29Sep2021-update2-serial-x86_64")
            peer_context = os.path.join(work, f"peer{r}")
            peer_cached = ["buildah", "bud", "--isolation", "chroot", "--layers", "-t", peer,
                           peer_context]
            peer_fresh = peer_cached[:4] + ["--no-cache"] + peer_cached[4:]

            def copy_context():
                # aws-hpc's context as it is, FROM the peer's own base.
                shutil.rmtree(peer_context, ignore_errors=True)
                shutil.copytree(context, peer_context)
                dockerfile = os.path.join(peer_context, "Dockerfile")
                with open(dockerfile) as f:
                    text = f.read()
                with open(dockerfile, "w") as f:
                    f.write(text.replace(base_tag, peer_base))

            run(["buildah", "rmi", "-f", image], check=False)
            ours = timed(build + ["--force"], env)
            copy_context()
            theirs = timed(peer_fresh)
            rounds["first"].append((ours, theirs))
            rounds["hit"].append((timed(build, env), timed(peer_cached)))
            spec = os.path.join(apps, "lammps/app.yaml")
            with open(spec) as f:
                text = f.read()
            with open(spec, "w") as f:
                f.write(text.replace('OMP_NUM_THREADS: "1"', f'OMP_NUM_THREADS: "{r + 2}"', 1))
            ours = timed(build, env)
            copy_context()
            rounds["change"].append((ours, timed(peer_cached)))

        print(f"container_build_bench: LAMMPS serial x86_64 image, median of {runs} rounds")
        print(f"{'case':<22}{'aws-hpc app build':>20}{'buildah bud':>14}{'ratio':>8}")
        for name, label in (("first", "first build"), ("hit", "nothing changed"),
                            ("change", "one-line spec change")):
            ours = statistics.median(o for o, _ in rounds[name])
            theirs = statistics.median(t for _, t in rounds[name])
            print(f"{label:<22}{ours:>18.2f} s{theirs:>12.2f} s{ours / theirs:>8.2f}")
    finally:
        for ref in (image, peer, base_tag, peer_base):
            run(["buildah", "rmi", "-f", ref], check=False)
        run(["buildah", "rmi", "--prune"], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
