#include "pam_harness.h"

#include <cstdlib>
#include <cstring>
#include <fstream>

namespace hwtotp::pam::test {
namespace {

struct Conversation {
    const std::vector<std::string>* answers = nullptr;
    std::size_t next = 0;
    PamAttempt* attempt = nullptr;
};

// libpam's conversation contract: an array of malloc'd responses, freed by the module.
int converse(int count, const pam_message** messages, pam_response** responses, void* data) {
    auto& conv = *static_cast<Conversation*>(data);
    auto* out = static_cast<pam_response*>(
        std::calloc(static_cast<std::size_t>(count), sizeof(pam_response)));
    if (out == nullptr)
        return PAM_BUF_ERR;
    for (int i = 0; i < count; ++i) {
        const pam_message& m = *messages[i];
        const std::string text = m.msg == nullptr ? "" : m.msg;
        if (m.msg_style == PAM_PROMPT_ECHO_OFF || m.msg_style == PAM_PROMPT_ECHO_ON) {
            conv.attempt->prompts.push_back(text);
            if (conv.next >= conv.answers->size()) {
                std::free(out);
                return PAM_CONV_ERR;
            }
            out[i].resp = strdup((*conv.answers)[conv.next++].c_str());
        } else {
            conv.attempt->infos.push_back(text);
        }
    }
    *responses = out;
    return PAM_SUCCESS;
}

}  // namespace

std::string module_path() {
    std::string binary = hwtotp::test::hwtotp_binary();
    return binary.substr(0, binary.rfind('/')) + "/pam_hwtotp.so";
}

PamService::PamService(const std::string& module_args, const std::string& before,
                       const std::string& module) {
    std::ofstream service(dir_.file("hwtotp-test"));
    if (!before.empty())
        service << before << "\n";
    service << "auth required " << module << " " << module_args << "\n";
}

PamAttempt PamService::authenticate(const std::string& user,
                                    const std::vector<std::string>& answers) const {
    PamAttempt attempt;
    Conversation conv{&answers, 0, &attempt};
    const pam_conv pam_conversation{converse, &conv};
    pam_handle_t* pamh = nullptr;
    const int started = pam_start_confdir("hwtotp-test", user.c_str(), &pam_conversation,
                                          dir_.path().c_str(), &pamh);
    if (started != PAM_SUCCESS) {
        attempt.rc = started;
        return attempt;
    }
    attempt.rc = pam_authenticate(pamh, 0);
    pam_end(pamh, attempt.rc);
    return attempt;
}

}  // namespace hwtotp::pam::test
