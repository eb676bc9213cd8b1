// File: naming.hpp
// Names shared by the platform's stacks and the commands outside `infra` that must agree with
// them: the ECR repository of an app, which the app stack creates and `aws-hpc app build --push
// ecr` pushes to, and the image prefix `aws-hpc app deploy` defaults to. Header-only, so the
// container module can use it without linking the infra module.
#pragma once

#include <string>
#include <string_view>

namespace awshpc::infra {

// "aws-hpc/<platform>": every ECR repository of one platform (the `name` of aws-hpc.yaml), so two
// platforms in one account and region keep separate repositories. An empty platform (no platform
// config at hand) gives "aws-hpc", the repositories of images pushed outside any platform.
inline std::string EcrRepositoryPrefix(std::string_view platform) {
  std::string prefix = "aws-hpc";
  if (!platform.empty()) {
    prefix += '/';
    prefix += platform;
  }
  return prefix;
}

// "aws-hpc/<platform>/<app>", e.g. "aws-hpc/hpc/lammps": the app stack's repository and where
// `app build --push ecr` pushes. Images are tagged <version>-<variant>-<arch>.
inline std::string EcrRepositoryName(std::string_view platform, std::string_view app) {
  std::string name = EcrRepositoryPrefix(platform);
  name += '/';
  name += app;
  return name;
}

}  // namespace awshpc::infra
