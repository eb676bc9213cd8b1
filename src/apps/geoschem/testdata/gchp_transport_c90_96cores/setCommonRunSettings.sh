#!/bin/bash

# setCommonRunSettings.sh: run-time settings for GCHP (written by aws-hpc app config; the
# values are checked: cores a multiple of 6, NX x NY = TOTAL_CORES with NY a multiple of 6).
# At job start aws-hpc-stage completes this file with GEOS-Chem's own script
# (setCommonRunSettings.sh.template of the image's version): its settings, then these, then its
# code from "ERROR CHECKS" on, which rewrites GCHP.rc, CAP.rc, ... and runs once before gchp.

#------------------------------------------------
#   COMPUTE RESOURCES
#------------------------------------------------
TOTAL_CORES=96
NUM_NODES=2
NUM_CORES_PER_NODE=48

#------------------------------------------------
#   GRID RESOLUTION
#------------------------------------------------
CS_RES=90

#------------------------------------------------
#   STRETCHED GRID
#------------------------------------------------
STRETCH_GRID=OFF

#------------------------------------------------
#   SIMULATION DURATION
#------------------------------------------------
# Start date and time are in cap_restart; format YYYYMMDD HHmmSS.
Run_Duration="00000100 000000"

#------------------------------------------------
#   DIAGNOSTICS
#------------------------------------------------
AutoUpdate_Diagnostics=ON
Diag_Monthly="1"
Diag_Frequency="7440000"
Diag_Duration="7440000"
Diag_Collections=(SpeciesConc RadioNuclide StateMet)

#------------------------------------------------
#   MID-RUN CHECKPOINT FILES
#------------------------------------------------
Midrun_Checkpoint=OFF

#------------------------------------------------
#   DOMAIN DECOMPOSITION
#------------------------------------------------
# NX x NY = TOTAL_CORES, NY a multiple of 6, each face NX x NY/6 as square as possible.
AutoUpdate_NXNY=OFF
NX=4
NY=24
