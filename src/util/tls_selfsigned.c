/* tls_selfsigned.c - a CA and a server certificate in memory (see tls_selfsigned.h). */
#include "util/tls_selfsigned.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static char *bio_to_string(BIO *b)
{
    char *data = NULL, *s;
    long n = BIO_get_mem_data(b, &data);

    if (n < 0 || !data)
        return NULL;
    s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    memcpy(s, data, (size_t)n);
    s[n] = '\0';
    return s;
}

static char *cert_pem(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *s = NULL;

    if (b && PEM_write_bio_X509(b, x))
        s = bio_to_string(b);
    BIO_free(b);
    return s;
}

static char *key_pem(EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *s = NULL;

    if (b && PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL))
        s = bio_to_string(b);
    BIO_free(b);
    return s;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ex;
    int ok;

    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ex)
        return 0;
    ok = X509_add_ext(cert, ex, -1);
    X509_EXTENSION_free(ex);
    return ok;
}

static int random_serial(X509 *x)
{
    unsigned char buf[16];
    BIGNUM *bn;
    int ok;

    if (RAND_bytes(buf, sizeof(buf)) != 1)
        return 0;
    buf[0] &= 0x7f;     /* positive */
    bn = BN_bin2bn(buf, sizeof(buf), NULL);
    if (!bn)
        return 0;
    ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    return ok;
}

static X509 *new_cert(EVP_PKEY *key, const char *cn, int days)
{
    X509 *x = X509_new();
    X509_NAME *name;

    if (!x)
        return NULL;
    if (!X509_set_version(x, 2) || !random_serial(x) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400L) || !X509_set_pubkey(x, key))
        goto fail;
    name = X509_get_subject_name(x);
    if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"hpa-engine", -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0))
        goto fail;
    return x;
fail:
    X509_free(x);
    return NULL;
}

static int is_ip(const char *s)
{
    unsigned char buf[16];

    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

hpa_errcode hpa_tls_selfsigned_make(const char *cn, const char *const *names, size_t n_names,
                                    int days, hpa_tls_selfsigned *out, hpa_err *e)
{
    EVP_PKEY *ca_key = NULL, *key = NULL;
    X509 *ca = NULL, *srv = NULL;
    char san[2048];
    size_t i, len = 0;
    hpa_errcode rc = HPA_EIO;

    memset(out, 0, sizeof(*out));
    san[0] = '\0';
    for (i = 0; i < n_names; i++) {
        int w = snprintf(san + len, sizeof(san) - len, "%s%s:%s", len ? "," : "",
                         is_ip(names[i]) ? "IP" : "DNS", names[i]);
        if (w < 0 || (size_t)w >= sizeof(san) - len)
            return hpa_err_set(e, HPA_EINVAL, NULL, "too many or too long certificate names");
        len += (size_t)w;
    }
    ca_key = EVP_EC_gen("P-256");
    key = EVP_EC_gen("P-256");
    if (!ca_key || !key) {
        hpa_err_set(e, HPA_EIO, NULL, "could not generate an EC key");
        goto out;
    }
    ca = new_cert(ca_key, "hpa-engine-sim-ca", days);
    if (!ca || !X509_set_issuer_name(ca, X509_get_subject_name(ca)) ||
        !add_ext(ca, ca, NID_basic_constraints, "critical,CA:TRUE") ||
        !add_ext(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature") ||
        !add_ext(ca, ca, NID_subject_key_identifier, "hash") || !X509_sign(ca, ca_key, EVP_sha256())) {
        hpa_err_set(e, HPA_EIO, NULL, "could not make the CA certificate");
        goto out;
    }
    srv = new_cert(key, cn ? cn : "localhost", days);
    if (!srv || !X509_set_issuer_name(srv, X509_get_subject_name(ca)) ||
        !add_ext(srv, ca, NID_basic_constraints, "critical,CA:FALSE") ||
        !add_ext(srv, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment") ||
        !add_ext(srv, ca, NID_ext_key_usage, "serverAuth") ||
        !add_ext(srv, ca, NID_authority_key_identifier, "keyid:always") ||
        (len && !add_ext(srv, ca, NID_subject_alt_name, san)) || !X509_sign(srv, ca_key, EVP_sha256())) {
        hpa_err_set(e, HPA_EIO, NULL, "could not make the server certificate");
        goto out;
    }
    out->ca_cert_pem = cert_pem(ca);
    out->cert_pem = cert_pem(srv);
    out->key_pem = key_pem(key);
    if (!out->ca_cert_pem || !out->cert_pem || !out->key_pem) {
        hpa_tls_selfsigned_free(out);
        hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory writing the certificates");
        rc = HPA_ENOMEM;
        goto out;
    }
    rc = HPA_OK;
out:
    X509_free(ca);
    X509_free(srv);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
    return rc;
}

void hpa_tls_selfsigned_free(hpa_tls_selfsigned *t)
{
    if (!t)
        return;
    free(t->ca_cert_pem);
    free(t->cert_pem);
    if (t->key_pem)
        OPENSSL_cleanse(t->key_pem, strlen(t->key_pem));
    free(t->key_pem);
    memset(t, 0, sizeof(*t));
}
