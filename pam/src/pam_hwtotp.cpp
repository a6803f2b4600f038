// pam_hwtotp.so: the PAM protocol around one login attempt (login.h).
//
// Rules for code that runs inside someone else's process (sshd, sudo, login, a display
// manager): no global or static state, no signal handlers, nothing written to stdout or
// stderr, no exit(); every message goes through pam_syslog, and none holds a code or a seed.
// Only pam_sm_authenticate and pam_sm_setcred are exported (exports.map).
//
// Return codes: PAM_SUCCESS; PAM_AUTH_ERR for a wrong, replayed, throttled or unreadable code;
// PAM_MAXTRIES when the token is locked; PAM_USER_UNKNOWN for a user without a token (unless
// nullok); PAM_AUTHINFO_UNAVAIL when the registry cannot be used (fail closed);
// PAM_SERVICE_ERR for a service file the module cannot understand.
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <syslog.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include <openssl/crypto.h>

#include "login.h"
#include "module_args.h"

namespace hwtotp::pam {
namespace {

// The longest answer kept: codes are 6 to 8 digits; anything longer is wrong anyway.
constexpr std::size_t max_answer = 64;

// A typed code, wiped when it goes out of scope.
class Answer {
  public:
    Answer() = default;
    Answer(const Answer&) = delete;
    Answer& operator=(const Answer&) = delete;
    ~Answer() { OPENSSL_cleanse(buffer_, sizeof buffer_); }

    void assign(const char* text) {
        const std::size_t n = strnlen(text, sizeof buffer_);
        length_ = n < sizeof buffer_ ? n : sizeof buffer_;
        std::memcpy(buffer_, text, length_);
        present_ = true;
    }
    [[nodiscard]] bool present() const { return present_; }
    [[nodiscard]] std::string_view text() const { return {buffer_, length_}; }

  private:
    char buffer_[max_answer + 1] = {};
    std::size_t length_ = 0;
    bool present_ = false;
};

// Frees a conversation's answers, wiping each (they hold what the user typed).
void free_responses(pam_response* responses, int count) {
    if (responses == nullptr)
        return;
    for (int i = 0; i < count; ++i) {
        if (responses[i].resp != nullptr) {
            OPENSSL_cleanse(responses[i].resp, std::strlen(responses[i].resp));
            std::free(responses[i].resp);  // NOLINT: allocated by the application with malloc
        }
    }
    std::free(responses);  // NOLINT
}

// Asks for the code with echo off. False when the conversation failed or gave no answer.
bool ask_code(pam_handle_t* pamh, const std::string& prompt, Answer& answer) {
    const void* item = nullptr;
    if (pam_get_item(pamh, PAM_CONV, &item) != PAM_SUCCESS || item == nullptr)
        return false;
    const auto* conv = static_cast<const pam_conv*>(item);
    if (conv->conv == nullptr)
        return false;
    pam_message message{PAM_PROMPT_ECHO_OFF, prompt.c_str()};
    const pam_message* messages[] = {&message};
    pam_response* responses = nullptr;
    const int rc = conv->conv(1, messages, &responses, conv->appdata_ptr);
    if (rc == PAM_SUCCESS && responses != nullptr && responses[0].resp != nullptr)
        answer.assign(responses[0].resp);
    free_responses(responses, 1);
    return answer.present();
}

// The code per the first-pass option: PAM_AUTHTOK set by an earlier module, or a prompt.
bool obtain_code(pam_handle_t* pamh, const ModuleArgs& args, Answer& answer) {
    if (args.first_pass != FirstPass::ask) {
        const void* item = nullptr;
        if (pam_get_item(pamh, PAM_AUTHTOK, &item) == PAM_SUCCESS && item != nullptr) {
            answer.assign(static_cast<const char*>(item));
            return true;
        }
        if (args.first_pass == FirstPass::use_first)
            return false;
    }
    return ask_code(pamh, args.prompt, answer);
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int pam_code_of(LoginOutcome outcome) {
    switch (outcome) {
        case LoginOutcome::accepted:
            return PAM_SUCCESS;
        case LoginOutcome::rejected:
        case LoginOutcome::replay:
        case LoginOutcome::throttled:
            return PAM_AUTH_ERR;
        case LoginOutcome::locked:
            return PAM_MAXTRIES;
        case LoginOutcome::no_token:
            return PAM_USER_UNKNOWN;
        case LoginOutcome::unavailable:
            return PAM_AUTHINFO_UNAVAIL;
    }
    return PAM_AUTH_ERR;
}

int authenticate(pam_handle_t* pamh, int argc, const char** argv) {
    auto args =
        parse_module_args(std::span<const char* const>(argv, static_cast<std::size_t>(argc)));
    if (!args) {
        pam_syslog(pamh, LOG_ERR, "%s", args.error().message.c_str());
        return PAM_SERVICE_ERR;
    }
    const char* user = nullptr;
    if (const int rc = pam_get_user(pamh, &user, nullptr); rc != PAM_SUCCESS)
        return rc;
    if (user == nullptr || *user == '\0')
        return PAM_USER_UNKNOWN;

    UserToken token = find_user_token(*args, user);
    if (token.status == LoginOutcome::unavailable) {
        pam_syslog(pamh, LOG_ERR, "registry unavailable: %s", token.detail.c_str());
        return PAM_AUTHINFO_UNAVAIL;
    }
    if (token.status == LoginOutcome::no_token && args->nullok) {
        if (args->debug)
            pam_syslog(pamh, LOG_DEBUG, "user %s owns no token; nullok lets them pass", user);
        return PAM_SUCCESS;
    }
    // Ask even when the user owns no token: a wrong user name must look like a wrong code.
    Answer answer;
    const bool answered = obtain_code(pamh, *args, answer);
    if (token.status == LoginOutcome::no_token) {
        pam_syslog(pamh, LOG_NOTICE, "user %s owns no token", user);
        return PAM_USER_UNKNOWN;
    }
    if (!answered) {
        pam_syslog(pamh, LOG_NOTICE, "no code given for user %s", user);
        return PAM_AUTH_ERR;
    }
    const LoginResult result = verify_login(token, *args, answer.text(), unix_now());
    switch (result.outcome) {
        case LoginOutcome::locked:
            pam_info(pamh,
                     "Your token is locked after too many failed codes; ask an "
                     "administrator to unlock it.");
            break;
        case LoginOutcome::throttled:
            pam_info(pamh, "Too many failed codes: wait %lld seconds before the next try.",
                     static_cast<long long>(result.retry_in));
            break;
        default:
            break;
    }
    const int level = result.outcome == LoginOutcome::accepted ? LOG_INFO : LOG_NOTICE;
    if (result.outcome != LoginOutcome::accepted || args->debug)
        pam_syslog(pamh, level, "user %s: %s", user, result.detail.c_str());
    return pam_code_of(result.outcome);
}

}  // namespace
}  // namespace hwtotp::pam

// The module is built with hidden visibility; these two are its whole interface.
#define HWTOTP_PAM_ENTRY extern "C" __attribute__((visibility("default")))

// Exceptions must not cross into C: anything unexpected fails closed.
HWTOTP_PAM_ENTRY int pam_sm_authenticate(pam_handle_t* pamh, int /*flags*/, int argc,
                                         const char** argv) {
    try {
        return hwtotp::pam::authenticate(pamh, argc, argv);
    } catch (...) {
        pam_syslog(pamh, LOG_ERR, "internal error; refusing");
        return PAM_AUTHINFO_UNAVAIL;
    }
}

// su and login call setcred after a successful authentication; there is nothing to set.
HWTOTP_PAM_ENTRY int pam_sm_setcred(pam_handle_t* /*pamh*/, int /*flags*/, int /*argc*/,
                                    const char** /*argv*/) {
    return PAM_SUCCESS;
}
