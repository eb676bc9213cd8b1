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

}  // namespace awshpc::apps
