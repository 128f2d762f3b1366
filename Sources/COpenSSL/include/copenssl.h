#ifndef GATEWAYCTL_COPENSSL_H
#define GATEWAYCTL_COPENSSL_H
/* The system OpenSSL (Debian's libssl3, headers from libssl-dev) for STARTTLS in `probe`,
   loaded with dlopen the first time a probe negotiates TLS: linked at build time, libssl and
   libcrypto would be mapped and relocated (25,000 relocations) at the start of every command.
   The headers give the types and constants; every function comes from `gw_openssl_load`. */
#include <stddef.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>

/* The functions probe calls, each resolved by name from libssl (and libcrypto, its dependency). */
#define GW_OPENSSL_FUNCTIONS(F) \
    F(TLS_client_method) F(SSL_CTX_new) F(SSL_CTX_free) F(SSL_CTX_set_verify) \
    F(SSL_CTX_set_default_verify_paths) F(SSL_CTX_ctrl) F(SSL_new) F(SSL_free) F(SSL_set_fd) \
    F(SSL_ctrl) F(SSL_connect) F(SSL_read) F(SSL_write) F(SSL_shutdown) F(SSL_get_error) \
    F(SSL_get_version) F(SSL_get_current_cipher) F(SSL_CIPHER_get_name) \
    F(SSL_get1_peer_certificate) F(SSL_get_verify_result) \
    F(ERR_clear_error) F(ERR_peek_last_error) F(ERR_error_string_n) \
    F(X509_free) F(X509_verify_cert_error_string) F(X509_check_ip_asc) F(X509_check_host) \
    F(X509_get_subject_name) F(X509_get_issuer_name) F(X509_get0_notBefore) F(X509_get0_notAfter) \
    F(X509_NAME_print_ex) F(X509_get_ext_d2i) F(GENERAL_NAMES_free) \
    F(BIO_new) F(BIO_s_mem) F(BIO_free) F(BIO_ctrl) \
    F(ASN1_TIME_to_tm) F(ASN1_STRING_get0_data) F(ASN1_STRING_length) \
    F(OPENSSL_sk_num) F(OPENSSL_sk_value)

struct gw_openssl {
#define GW_OPENSSL_FIELD(name) __typeof__(name) *_Nonnull name;
    GW_OPENSSL_FUNCTIONS(GW_OPENSSL_FIELD)
#undef GW_OPENSSL_FIELD
};

/* The table, loading the library on the first call (thread-safe). NULL when the library or a
   function is missing; then `error` holds why, e.g. "cannot load libssl.so.3: ...". */
const struct gw_openssl *_Nullable gw_openssl_load(char *_Nonnull error, size_t size);

/* The macro-only calls probe needs, over the loaded table. */
/* SNI: SSL_set_tlsext_host_name is a macro over SSL_ctrl. */
int gw_ssl_set_sni(const struct gw_openssl *_Nonnull api, SSL *_Nonnull ssl, const char *_Nonnull name);
/* A retried SSL_write may pass the same bytes from a new address (Swift arrays move). */
void gw_ctx_set_modes(const struct gw_openssl *_Nonnull api, SSL_CTX *_Nonnull ctx);
/* The bytes written to a memory BIO so far: BIO_get_mem_data is a macro over BIO_ctrl. */
long gw_bio_contents(const struct gw_openssl *_Nonnull api, BIO *_Nonnull bio, char *_Nullable *_Nonnull data);

/* Print flags for certificate names: RFC 2253 order reversed to the familiar
   "CN=..., O=..." with UTF-8 kept (XN_FLAG_ONELINE without the spaces around '='). */
static inline unsigned long gw_name_flags(void) {
    return (XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
}
#endif
