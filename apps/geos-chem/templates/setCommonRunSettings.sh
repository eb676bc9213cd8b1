#!/bin/bash

# setCommonRunSettings.sh: run-time settings for GCHP (written by aws-hpc app config; the
# values are checked: cores a multiple of 6, NX x NY = TOTAL_CORES with NY a multiple of 6).
# At job start aws-hpc-stage completes this file with GEOS-Chem's own script
# (setCommonRunSettings.sh.template of the image's version): its settings, then these, then its
# code from "ERROR CHECKS" on, which rewrites GCHP.rc, CAP.rc, ... and runs once before gchp.

#------------------------------------------------
#   COMPUTE RESOURCES
#------------------------------------------------
TOTAL_CORES=${RUNDIR_NUM_CORES}
NUM_NODES=${RUNDIR_NUM_NODES}
NUM_CORES_PER_NODE=${RUNDIR_CORES_PER_NODE}

#------------------------------------------------
#   GRID RESOLUTION
#------------------------------------------------
CS_RES=${RUNDIR_CS_RES}

#------------------------------------------------
#   STRETCHED GRID
#------------------------------------------------
STRETCH_GRID=OFF

#------------------------------------------------
#   SIMULATION DURATION
#------------------------------------------------
# Start date and time are in cap_restart; format YYYYMMDD HHmmSS.
Run_Duration="${RUNDIR_SIM_DUR_YYYYMMDD} ${RUNDIR_SIM_DUR_HHmmSS}"

#------------------------------------------------
#   DIAGNOSTICS
#------------------------------------------------
AutoUpdate_Diagnostics=ON
Diag_Monthly="${RUNDIR_HIST_MONTHLY_DIAG}"
Diag_Frequency="${RUNDIR_HIST_FREQ}"
Diag_Duration="${RUNDIR_HIST_FREQ}"
Diag_Collections=(${RUNDIR_HIST_COLLECTIONS_SH})

#------------------------------------------------
#   MID-RUN CHECKPOINT FILES
#------------------------------------------------
Midrun_Checkpoint=OFF

#------------------------------------------------
#   DOMAIN DECOMPOSITION
#------------------------------------------------
# NX x NY = TOTAL_CORES, NY a multiple of 6, each face NX x NY/6 as square as possible.
AutoUpdate_NXNY=OFF
NX=${RUNDIR_NX}
NY=${RUNDIR_NY}
