#include "copenssl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The soname of the libssl whose headers we compiled against ("libssl.so.3"). */
#define GW_STR2(x) #x
#define GW_STR(x) GW_STR2(x)
#define GW_LIBSSL "libssl.so." GW_STR(OPENSSL_SHLIB_VERSION)

static struct gw_openssl table;
static char failure[256];
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *handle = dlopen(GW_LIBSSL, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "cannot load %s (Debian package libssl3): %s", GW_LIBSSL,
                 why ? why : "unknown error");
        return;
    }
    /* dlsym on the handle also searches libcrypto, which libssl depends on. */
#define GW_OPENSSL_RESOLVE(name) \
    *(void **)&table.name = dlsym(handle, #name); \
    if (table.name == NULL) { \
        snprintf(failure, sizeof failure, "%s has no function %s", GW_LIBSSL, #name); \
        return; \
    }
    GW_OPENSSL_FUNCTIONS(GW_OPENSSL_RESOLVE)
#undef GW_OPENSSL_RESOLVE
    loaded = 1;
}

const struct gw_openssl *gw_openssl_load(char *error, size_t size) {
    pthread_once(&once, load);
    if (loaded) return &table;
    if (size > 0) snprintf(error, size, "%s", failure);
    return NULL;
}

int gw_ssl_set_sni(const struct gw_openssl *api, SSL *ssl, const char *name) {
    return (int)api->SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name);
}

void gw_ctx_set_modes(const struct gw_openssl *api, SSL_CTX *ctx) {
    api->SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, NULL);
}

long gw_bio_contents(const struct gw_openssl *api, BIO *bio, char **data) {
    return api->BIO_ctrl(bio, BIO_CTRL_INFO, 0, (char *)data);
}
