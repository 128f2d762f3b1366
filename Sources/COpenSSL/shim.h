#ifndef GATEWAYCTL_COPENSSL_H
#define GATEWAYCTL_COPENSSL_H
/* The system OpenSSL (Debian's libssl-dev) for STARTTLS in `probe`. Swift cannot call C
   macros, so the few macro-only calls probe needs are wrapped here. */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>

/* SNI: SSL_set_tlsext_host_name is a macro over SSL_ctrl. */
static inline int gw_ssl_set_sni(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/* A retried SSL_write may pass the same bytes from a new address (Swift arrays move). */
static inline void gw_ctx_set_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

/* The bytes written to a memory BIO so far: BIO_get_mem_data is a macro over BIO_ctrl. */
static inline long gw_bio_contents(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/* Print flags for certificate names: RFC 2253 order reversed to the familiar
   "CN=..., O=..." with UTF-8 kept (XN_FLAG_ONELINE without the spaces around '='). */
static inline unsigned long gw_name_flags(void) {
    return (XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
}
#endif
