/* SPDX-License-Identifier: MIT */
/*
 * OpenSSL, opened on first use (dlopen) instead of linked: only `cryo serve --tls-cert` and
 * `cryo dump --to tls://` need it, and loading libssl and libcrypto at every start (their
 * ~19000 relocations, ~150 page faults) cost every engine command about 1.2 ms of CPU here,
 * on the path to a warm start (issue 17). Include after the OpenSSL headers: each function
 * tls-relay.c calls becomes a pointer filled by tls_dl_load().
 */
#ifndef CRYO_TRANSPORT_TLS_DL_H
#define CRYO_TRANSPORT_TLS_DL_H

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* clang-format off */
#define TLS_DL_FUNCS(X)                                                                     \
	X(BIO_free) X(BIO_new_fd) X(ERR_clear_error) X(ERR_peek_error) X(ERR_peek_last_error) \
	X(ERR_reason_error_string) X(EVP_PKEY_free) X(PEM_read_bio_PrivateKey)               \
	X(SSL_CTX_check_private_key) X(SSL_CTX_ctrl) X(SSL_CTX_free)                         \
	X(SSL_CTX_load_verify_locations) X(SSL_CTX_new) X(SSL_CTX_set_default_verify_paths)  \
	X(SSL_CTX_set_verify) X(SSL_CTX_use_PrivateKey) X(SSL_CTX_use_certificate_chain_file) \
	X(SSL_accept) X(SSL_connect) X(SSL_ctrl) X(SSL_free) X(SSL_get0_param)               \
	X(SSL_get_error) X(SSL_get_verify_result) X(SSL_new) X(SSL_read) X(SSL_set1_host)    \
	X(SSL_set_fd) X(SSL_shutdown) X(SSL_write) X(TLS_client_method) X(TLS_server_method) \
	X(X509_VERIFY_PARAM_set1_ip_asc) X(X509_verify_cert_error_string)
/* clang-format on */

struct tls_dl {
#define TLS_DL_PTR(f) __typeof__(f) *f;
	TLS_DL_FUNCS(TLS_DL_PTR)
#undef TLS_DL_PTR
};
extern struct tls_dl tls_dl;

/* Loads libssl (and libcrypto with it) once; 0, or -1 after a message naming cmd and what is
 * missing on stderr. */
int tls_dl_load(const char *cmd);

#ifndef TLS_DL_NO_REDIRECT
/* clang-format off */
#define BIO_free tls_dl.BIO_free
#define BIO_new_fd tls_dl.BIO_new_fd
#define ERR_clear_error tls_dl.ERR_clear_error
#define ERR_peek_error tls_dl.ERR_peek_error
#define ERR_peek_last_error tls_dl.ERR_peek_last_error
#define ERR_reason_error_string tls_dl.ERR_reason_error_string
#define EVP_PKEY_free tls_dl.EVP_PKEY_free
#define PEM_read_bio_PrivateKey tls_dl.PEM_read_bio_PrivateKey
#define SSL_CTX_check_private_key tls_dl.SSL_CTX_check_private_key
#define SSL_CTX_ctrl tls_dl.SSL_CTX_ctrl
#define SSL_CTX_free tls_dl.SSL_CTX_free
#define SSL_CTX_load_verify_locations tls_dl.SSL_CTX_load_verify_locations
#define SSL_CTX_new tls_dl.SSL_CTX_new
#define SSL_CTX_set_default_verify_paths tls_dl.SSL_CTX_set_default_verify_paths
#define SSL_CTX_set_verify tls_dl.SSL_CTX_set_verify
#define SSL_CTX_use_PrivateKey tls_dl.SSL_CTX_use_PrivateKey
#define SSL_CTX_use_certificate_chain_file tls_dl.SSL_CTX_use_certificate_chain_file
#define SSL_accept tls_dl.SSL_accept
#define SSL_connect tls_dl.SSL_connect
#define SSL_ctrl tls_dl.SSL_ctrl
#define SSL_free tls_dl.SSL_free
#define SSL_get0_param tls_dl.SSL_get0_param
#define SSL_get_error tls_dl.SSL_get_error
#define SSL_get_verify_result tls_dl.SSL_get_verify_result
#define SSL_new tls_dl.SSL_new
#define SSL_read tls_dl.SSL_read
#define SSL_set1_host tls_dl.SSL_set1_host
#define SSL_set_fd tls_dl.SSL_set_fd
#define SSL_shutdown tls_dl.SSL_shutdown
#define SSL_write tls_dl.SSL_write
#define TLS_client_method tls_dl.TLS_client_method
#define TLS_server_method tls_dl.TLS_server_method
#define X509_VERIFY_PARAM_set1_ip_asc tls_dl.X509_VERIFY_PARAM_set1_ip_asc
#define X509_verify_cert_error_string tls_dl.X509_verify_cert_error_string
/* clang-format on */
#endif

#endif
