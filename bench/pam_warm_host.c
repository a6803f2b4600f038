/*
 * A PAM host that has set OpenSSL up before the login, as sshd has by the time it runs PAM:
 * the configuration loaded and AES-256-GCM fetched into the default library context. Logs
 * `benchuser` in once through SERVICE, answering every hidden prompt with CODE. For counting
 * what one login costs such a host (docs/performance.md, "Logins"):
 *
 *   cc -O2 -o /tmp/pam_warm_host bench/pam_warm_host.c -lpam -lcrypto
 *   valgrind --tool=callgrind /tmp/pam_warm_host SERVICE CODE
 *   (then read the inclusive count of login() from callgrind_annotate --inclusive=yes)
 *
 * Exits 0 when the login succeeded.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <security/pam_appl.h>
#include <stdlib.h>
#include <string.h>

static const char* code;

static int answer(int count, const struct pam_message** messages, struct pam_response** out,
                  void* data) {
    (void)data;
    struct pam_response* responses = calloc((size_t)count, sizeof *responses);
    if (responses == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < count; ++i)
        if (messages[i]->msg_style == PAM_PROMPT_ECHO_OFF)
            responses[i].resp = strdup(code);
    *out = responses;
    return PAM_SUCCESS;
}

static void set_up_openssl(void) {
    unsigned char zeros[32] = {0};
    OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL);
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex2(ctx, cipher, zeros, zeros, NULL);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
}

/* Not inlined: its inclusive count is what callgrind is asked for. */
__attribute__((noinline)) static int login(const char* service) {
    const struct pam_conv conversation = {answer, NULL};
    pam_handle_t* pamh = NULL;
    if (pam_start(service, "benchuser", &conversation, &pamh) != PAM_SUCCESS)
        return PAM_SYSTEM_ERR;
    const int rc = pam_authenticate(pamh, 0);
    pam_end(pamh, rc);
    return rc;
}

int main(int argc, char** argv) {
    if (argc != 3)
        return 2;
    code = argv[2];
    set_up_openssl();
    return login(argv[1]) == PAM_SUCCESS ? 0 : 1;
}
