// A PAM host program for the test ModuleLeavesTheHostsOpenSslConfigurationToIt: it logs in once
// through pam_hwtotp.so, as sshd or sudo would, and loads an OpenSSL configuration of its own
// either before the login or after it; then it says which configuration the process has.
//
//   usage: pam_openssl_host before|after HOST_CONFIG "MODULE ARGS" USER CODE
//   OPENSSL_CONF names the "system" configuration (its oid_section defines hwtotpSystemCheck);
//   HOST_CONFIG the host's own (defines hwtotpHostCheck). "before": the host loads HOST_CONFIG
//   before the login; "after": the host loads the default configuration (OPENSSL_CONF) after it.
//   Prints: pam=<rc> system_config=<0|1> host_config=<0|1>
//
// A program of its own because OpenSSL loads a configuration once per process: the test
// process has used OpenSSL long before any login.
#include <openssl/crypto.h>
#include <openssl/objects.h>

#include <cstdio>
#include <memory>
#include <string_view>

#include "pam_harness.h"

namespace {

bool load_host_config(const char* file) {
    const std::unique_ptr<OPENSSL_INIT_SETTINGS, void (*)(OPENSSL_INIT_SETTINGS*)> settings(
        OPENSSL_INIT_new(), OPENSSL_INIT_free);
    return settings && OPENSSL_INIT_set_config_filename(settings.get(), file) == 1 &&
           OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, settings.get()) == 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6 ||
        (std::string_view(argv[1]) != "before" && std::string_view(argv[1]) != "after")) {
        std::fputs("usage: pam_openssl_host before|after HOST_CONFIG \"MODULE ARGS\" USER CODE\n",
                   stderr);
        return 2;
    }
    const bool before = std::string_view(argv[1]) == "before";
    if (before && !load_host_config(argv[2])) {
        std::fputs("pam_openssl_host: cannot load the host configuration\n", stderr);
        return 2;
    }
    const hwtotp::pam::test::PamService service(argv[3]);
    const int rc = service.authenticate(argv[4], {argv[5]}).rc;
    if (!before)
        OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr);
    std::printf("pam=%d system_config=%d host_config=%d\n", rc,
                OBJ_txt2nid("hwtotpSystemCheck") != NID_undef ? 1 : 0,
                OBJ_txt2nid("hwtotpHostCheck") != NID_undef ? 1 : 0);
    return 0;
}
