// File: text_template.hpp
// `${NAME}` substitution in run-directory templates (the form createRunDir.sh uses), with
// errors that name the template file and line.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "awshpc/core/status.hpp"

namespace awshpc::apps {

// Replaces every `${NAME}` in `text` with vars[NAME], in one pass (values are never rescanned).
// A name missing from `vars` is an error "FILE:LINE: ${NAME} is not defined". A `$` not
// followed by `{` is kept as is (shell scripts and HEMCO's $ROOT stay intact).
Result<std::string> SubstituteVars(std::string_view text,
                                   const std::map<std::string, std::string, std::less<>>& vars,
                                   std::string_view file_for_messages);

// What createRunDir.sh's init_rd.sh does with `envsubst "${A} ${B} ..."`: replaces `${NAME}` and
// `$NAME` for the names in `vars` and leaves every other `$...` as it is (HEMCO's $ROOT, $YYYY,
// shell variables). One difference on purpose: a `${RUNDIR_...}` or `$RUNDIR_...` that `vars`
// lacks is an error "FILE:LINE: ${RUNDIR_X} is not defined" (envsubst would leave it in the file,
// and the model would fail much later on the literal text).
Result<std::string> SubstituteKnownVars(std::string_view text,
                                        const std::map<std::string, std::string, std::less<>>& vars,
                                        std::string_view file_for_messages);

}  // namespace awshpc::apps
