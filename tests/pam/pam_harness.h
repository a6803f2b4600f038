#pragma once
// Drives the built pam_hwtotp.so through the real libpam: a service file in a temporary
// directory (pam_start_confdir), and a conversation that answers prompts from a list.

#include <security/pam_appl.h>

#include <string>
#include <vector>

#include "run_cli.h"

namespace hwtotp::pam::test {

struct PamAttempt {
    int rc = -1;                       // what pam_authenticate returned
    std::vector<std::string> prompts;  // PAM_PROMPT_ECHO_OFF/ON messages, in order
    std::vector<std::string> infos;    // PAM_TEXT_INFO / PAM_ERROR_MSG messages
};

// The built module (beside the hwtotp binary).
[[nodiscard]] std::string module_path();

// A PAM configuration directory with one service, "hwtotp-test", whose auth stack is
// `auth required <module> <module_args>` (the module path absolute, so libpam uses it as is).
class PamService {
  public:
    // `before`, when given, is a whole line put above ours in the auth stack (another module).
    // `module`: the module's absolute path (default pam_hwtotp.so; the export tests use
    // pam_oath.so).
    explicit PamService(const std::string& module_args, const std::string& before = "",
                        const std::string& module = module_path());
    // Authenticates `user`; each prompt is answered with the next of `answers` (an absent
    // answer ends the conversation with PAM_CONV_ERR).
    [[nodiscard]] PamAttempt authenticate(const std::string& user,
                                          const std::vector<std::string>& answers) const;
    [[nodiscard]] const std::string& dir() const { return dir_.path(); }

  private:
    hwtotp::test::TempDir dir_;
};

}  // namespace hwtotp::pam::test
