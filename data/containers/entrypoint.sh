#!/bin/sh
# The entrypoint of every aws-hpc application image: stages the inputs baked into the image into
# the working directory, runs the command it is given ("$@": the argv, never re-parsed by a
# shell), then copies the declared outputs to $AWS_HPC_OUTPUT_DIR when that is set.
set -u
# The application installed by the image's build stage (/opt/aws-hpc/app, its bin/ or the
# directory itself, e.g. GEOS-Chem's RUNDIR install) comes first, so an app.yaml command names its
# program (`gcclassic`) wherever the image put it. aws-hpc-stage ships in /opt/aws-hpc/bin (with
# its own libraries); after the image's own PATH so the job's `aws-hpc-stage exec` command finds it
# and the image's programs keep precedence.
PATH="/opt/aws-hpc/app/bin:/opt/aws-hpc/app:${PATH:-/usr/bin:/bin}:/opt/aws-hpc/bin"
export PATH
work="${AWS_HPC_WORK_DIR:-/work}"
mkdir -p "$work" && cd "$work" || exit 70
# Inputs: a file the job already has in its working directory wins over the image's copy.
if [ -d /opt/aws-hpc/inputs ]; then
  for source in /opt/aws-hpc/inputs/* /opt/aws-hpc/inputs/.[!.]*; do
    [ -e "$source" ] || continue
    name="${source##*/}"
    [ -e "$name" ] || cp -R "$source" "$name" || exit 70
  done
fi
# AWS Batch jobs get their inputs through S3 (docs/batch.md, "Data staging"): the job lists them
# in AWS_HPC_INPUTS and aws-hpc-stage downloads them here.
if [ -n "${AWS_HPC_INPUTS:-}" ]; then
  if ! command -v aws-hpc-stage >/dev/null 2>&1; then
    echo "aws-hpc-entrypoint: the job has inputs on S3 but this image has no aws-hpc-stage" >&2
    exit 70
  fi
  aws-hpc-stage in "$work" || exit 70
elif [ -f .aws-hpc/rundir-vars.json ] && command -v aws-hpc-stage >/dev/null 2>&1; then
  # A run directory written by `aws-hpc app config` that arrived another way (baked into the
  # image, on the shared file system) is completed from the image's upstream templates here;
  # `aws-hpc-stage in` does it after staging otherwise. Files already there are kept.
  aws-hpc-stage complete "$work" || exit 71
fi
if [ "$#" -eq 0 ]; then
  echo "aws-hpc-entrypoint: no command given" >&2
  exit 64
fi
"$@"
status=$?
# An app that judges success by its files (GCHP: cap_restart and a checkpoint, since it can abort
# at shutdown after a good run) sends its rule in AWS_HPC_SUCCESS_RULE: aws-hpc-stage judges the
# run with it, before the outputs go anywhere, and the container exits with that verdict. In a
# multi-node job only the main node's status decides the job (AWS Batch), and only its run
# directory holds the files, so child nodes keep their command's status.
if [ -n "${AWS_HPC_SUCCESS_RULE:-}" ] &&
  [ "${AWS_BATCH_JOB_NODE_INDEX:-0}" = "${AWS_BATCH_JOB_MAIN_NODE_INDEX:-0}" ]; then
  if command -v aws-hpc-stage >/dev/null 2>&1; then
    aws-hpc-stage verdict "$status" "$work"
    status=$?
  else
    echo "aws-hpc-entrypoint: the job has a success rule but this image has no aws-hpc-stage" >&2
  fi
fi
if [ -n "${AWS_HPC_OUTPUT_DIR:-}" ]; then
  mkdir -p "$AWS_HPC_OUTPUT_DIR" || exit 70
  while IFS= read -r output; do
    [ -n "$output" ] || continue
    if [ -e "$output" ]; then
      cp -R "$output" "$AWS_HPC_OUTPUT_DIR/" || status=70
    else
      echo "aws-hpc-entrypoint: output $output was not produced" >&2
    fi
  done < /opt/aws-hpc/outputs.list
fi
# ... and its outputs go back to S3 the same way.
if [ -n "${AWS_HPC_OUTPUT_URI:-}" ]; then
  if command -v aws-hpc-stage >/dev/null 2>&1; then
    aws-hpc-stage out "$work" || status=70
  else
    echo "aws-hpc-entrypoint: AWS_HPC_OUTPUT_URI is set but this image has no aws-hpc-stage" >&2
    status=70
  fi
fi
exit "$status"
