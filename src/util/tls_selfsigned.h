/*
 * tls_selfsigned.h - a throw-away certificate authority and a server
 * certificate signed by it, made in memory with the OpenSSL 3 API (no
 * openssl command line).
 *
 * Used by `sim-server --tls` (the kubeconfig carries the CA) and by anything
 * else that needs an HTTPS endpoint on localhost. Keys are ECDSA P-256
 * (fast to make; every TLS client in use accepts them). The server
 * certificate names the given DNS names and IP addresses as subject
 * alternative names and is valid from one hour ago for `days` days.
 *
 * Ownership: the PEM strings in hpa_tls_selfsigned are heap copies owned by
 * the struct (hpa_tls_selfsigned_free, which also wipes the key). No I/O,
 * reads the clock (certificate validity), no global state.
 */
#ifndef HPA_UTIL_TLS_SELFSIGNED_H
#define HPA_UTIL_TLS_SELFSIGNED_H

#include <stddef.h>

#include "hpa/error.h"

typedef struct hpa_tls_selfsigned {
    char *ca_cert_pem;          /* the CA certificate */
    char *cert_pem;             /* the server certificate */
    char *key_pem;              /* the server's private key (PKCS#8) */
} hpa_tls_selfsigned;

/* `names`: SANs; an entry that parses as an IPv4/IPv6 address becomes an
 * IP SAN, anything else a DNS SAN. `cn` is the server's common name. */
hpa_errcode hpa_tls_selfsigned_make(const char *cn, const char *const *names, size_t n_names,
                                    int days, hpa_tls_selfsigned *out, hpa_err *e) HPA_WUR;
void hpa_tls_selfsigned_free(hpa_tls_selfsigned *t);

#endif
