#include "tests/integration/test_certificates.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace advisor::test {

namespace {

struct pkey_free {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct x509_free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct bio_free {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct extension_free {
  void operator()(X509_EXTENSION* ext) const { X509_EXTENSION_free(ext); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;
using extension_ptr = std::unique_ptr<X509_EXTENSION, extension_free>;

// Throws with OpenSSL's own reason when `ok` is false.
void require(bool ok, const char* what) {
  if (ok) {
    return;
  }
  char reason[256] = "no OpenSSL error queued";
  if (const unsigned long code = ERR_get_error(); code != 0) {
    ERR_error_string_n(code, reason, sizeof reason);
  }
  ERR_clear_error();
  throw std::runtime_error(std::string{"test certificates: "} + what + ": " + reason);
}

pkey_ptr new_key() {
  pkey_ptr key{EVP_EC_gen("P-256")};  // fast to make, unlike RSA
  require(key != nullptr, "EVP_EC_gen");
  return key;
}

// Subject (or issuer) name with only a CN.
void set_common_name(X509_NAME* name, const std::string& common_name) {
  require(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                     -1, -1, 0) == 1,
          "X509_NAME_add_entry_by_txt");
}

// A v3 certificate for `key`, not yet signed, with a random serial: every run has its own CA,
// so serials must not repeat between runs that share nothing but the verifier.
x509_ptr new_certificate(EVP_PKEY* key, const std::string& common_name) {
  x509_ptr cert{X509_new()};
  require(cert != nullptr, "X509_new");
  require(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
  unsigned char serial_bytes[16];
  require(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "RAND_bytes");
  serial_bytes[0] &= 0x7FU;  // positive
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  require(serial != nullptr, "BN_bin2bn");
  const bool serial_set = BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(serial);
  require(serial_set, "BN_to_ASN1_INTEGER");
  // From an hour ago: clocks of the test and the server are the same, but be lenient.
  require(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60L * 60) != nullptr, "notBefore");
  require(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 60 * 60) != nullptr, "notAfter");
  require(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  set_common_name(X509_get_subject_name(cert.get()), common_name);
  return cert;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  const extension_ptr ext{X509V3_EXT_nconf_nid(nullptr, &context, nid, value.c_str())};
  require(ext != nullptr, "X509V3_EXT_nconf_nid");
  require(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

// What a PEM writer put into a memory BIO.
std::string text_of(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string certificate_pem_of(X509* cert) {
  const bio_ptr bio{BIO_new(BIO_s_mem())};
  require(bio != nullptr, "BIO_new");
  require(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return text_of(bio.get());
}

std::string private_key_pem_of(EVP_PKEY* key) {
  const bio_ptr bio{BIO_new(BIO_s_mem())};
  require(bio != nullptr, "BIO_new");
  require(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
  return text_of(bio.get());
}

}  // namespace

struct test_authority::impl {
  pkey_ptr key;
  x509_ptr certificate;
};

test_authority::test_authority(const std::string& common_name) : impl_{std::make_unique<impl>()} {
  impl_->key = new_key();
  impl_->certificate = new_certificate(impl_->key.get(), common_name);
  X509* cert = impl_->certificate.get();
  require(X509_set_issuer_name(cert, X509_get_subject_name(cert)) == 1, "X509_set_issuer_name");
  add_extension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert, cert, NID_subject_key_identifier, "hash");
  require(X509_sign(cert, impl_->key.get(), EVP_sha256()) > 0, "X509_sign (CA)");
}

test_authority::~test_authority() = default;

std::string test_authority::certificate_pem() const {
  return certificate_pem_of(impl_->certificate.get());
}

tls_identity test_authority::issue(const std::string& common_name,
                                   const std::vector<std::string>& subject_alt_names) const {
  const pkey_ptr key = new_key();
  const x509_ptr cert = new_certificate(key.get(), common_name);
  X509* ca = impl_->certificate.get();
  require(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca)) == 1, "X509_set_issuer_name");
  add_extension(cert.get(), ca, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca, NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca, NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), ca, NID_authority_key_identifier, "keyid:always");
  std::string names;
  for (const auto& name : subject_alt_names) {
    names += (names.empty() ? "" : ",") + name;
  }
  require(!names.empty(), "no subject alt names");
  add_extension(cert.get(), ca, NID_subject_alt_name, names);
  require(X509_sign(cert.get(), impl_->key.get(), EVP_sha256()) > 0, "X509_sign (server)");
  return {certificate_pem_of(cert.get()), private_key_pem_of(key.get())};
}

}  // namespace advisor::test
