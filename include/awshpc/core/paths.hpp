// File: paths.hpp
// Where aws-hpc keeps its state, and small file-system helpers that report errors as Status.
#pragma once

#include <string>

#include "awshpc/core/status.hpp"

namespace awshpc {

// $AWS_HPC_HOME, else $XDG_DATA_HOME/aws-hpc, else $HOME/.local/share/aws-hpc.
Result<std::string> ResolveHomeDir();

// mkdir -p with `mode` for the directories it creates.
Status MakeDirs(const std::string& path, unsigned mode = 0755);

// The whole file, refusing files over `max_bytes`.
Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes);

// Writes via a temporary file and rename(), so readers never see a partial file.
Status WriteFileAtomically(const std::string& path, const std::string& contents);

// Whether `path` is relative and cannot leave the directory it is taken in: not empty, not
// absolute, no ".." component ("a..b" is a name and allowed). For paths read from user files or
// job definitions that are then joined to a run or work directory.
bool IsRelativePathInside(const std::string& path);

// The absolute path of a program: `name` itself if it contains '/', else the first executable
// match on $PATH. NotFound names the program and the PATH searched.
Result<std::string> FindExecutable(const std::string& name);

}  // namespace awshpc
