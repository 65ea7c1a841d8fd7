/*
 * SM2 signature verification for Node (N-API), on GmSSL's sm2_z256 arithmetic (native/gmssl, unmodified).
 *
 * verify(publicKey, e, r, s) → boolean, all big-endian Uint8Arrays: publicKey the point's x ‖ y (64 bytes),
 * e = SM3(Z ‖ M) (32 bytes; Z of GM/T 0009, computed by the caller), r and s the signature (32 bytes each).
 * GB/T 32918.2 §7.1 B4–B7: r, s in [1, n−1]; t = (r + s) mod n ≠ 0; (x1, y1) = s·G + t·P; R = (e + x1) mod n;
 * valid iff R = r. A public key that is not a point of the curve verifies nothing (false).
 * Only public data passes through here, so nothing needs to run in constant time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <node_api.h>
#include <gmssl/asn1.h>
#include <gmssl/error.h>
#include <gmssl/hex.h>
#include <gmssl/rand.h>
#include <gmssl/sm2_z256.h>
#include <gmssl/sm3.h>

static int sm2_verify_digest(const uint8_t pub[64], const uint8_t e_bytes[32], const uint8_t r_bytes[32],
                             const uint8_t s_bytes[32]) {
  SM2_Z256_POINT P, R;
  sm2_z256_t r, s, e, t, x;
  const uint64_t *n = sm2_z256_order();

  if (sm2_z256_point_from_bytes(&P, pub) != 1) return 0;
  sm2_z256_from_bytes(r, r_bytes);
  sm2_z256_from_bytes(s, s_bytes);
  if (sm2_z256_is_zero(r) || sm2_z256_cmp(r, n) >= 0) return 0;
  if (sm2_z256_is_zero(s) || sm2_z256_cmp(s, n) >= 0) return 0;
  sm2_z256_modn_add(t, r, s);
  if (sm2_z256_is_zero(t)) return 0;
  sm2_z256_point_mul_sum(&R, t, &P, s);
  if (sm2_z256_point_get_xy(&R, x, NULL) != 1) return 0;
  /* e < 2^256 and x1 < p are each below 2n: one subtraction brings them below n. */
  sm2_z256_from_bytes(e, e_bytes);
  if (sm2_z256_cmp(e, n) >= 0) sm2_z256_sub(e, e, n);
  if (sm2_z256_cmp(x, n) >= 0) sm2_z256_sub(x, x, n);
  sm2_z256_modn_add(e, e, x);
  return sm2_z256_cmp(e, r) == 0;
}

static const size_t LENGTHS[4] = {64, 32, 32, 32};
static const char *const NAMES[4] = {"publicKey", "e", "r", "s"};

static napi_value Verify(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  const uint8_t *bytes[4];
  napi_value result;
  char message[96];

  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    napi_throw_error(env, NULL, "verify: cannot read the arguments");
    return NULL;
  }
  if (argc != 4) {
    napi_throw_type_error(env, NULL, "verify(publicKey, e, r, s) takes four Uint8Arrays");
    return NULL;
  }
  for (int i = 0; i < 4; i++) {
    bool is_typedarray = false;
    napi_typedarray_type type;
    size_t length;
    void *data;
    if (napi_is_typedarray(env, argv[i], &is_typedarray) != napi_ok || !is_typedarray ||
        napi_get_typedarray_info(env, argv[i], &type, &length, &data, NULL, NULL) != napi_ok ||
        type != napi_uint8_array || length != LENGTHS[i]) {
      snprintf(message, sizeof message, "%s must be a Uint8Array of %zu bytes", NAMES[i], LENGTHS[i]);
      napi_throw_type_error(env, NULL, message);
      return NULL;
    }
    bytes[i] = data;
  }
  if (napi_get_boolean(env, sm2_verify_digest(bytes[0], bytes[1], bytes[2], bytes[3]) == 1, &result) != napi_ok) {
    napi_throw_error(env, NULL, "verify: cannot make the answer");
    return NULL;
  }
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "verify", NAPI_AUTO_LENGTH, Verify, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "verify", fn) != napi_ok) return NULL;
  return exports;
}

/*
 * sm2_z256.c also holds helpers this module never calls (random scalars, hex and DER forms, hashing to a
 * point, printing); they refer to other parts of GmSSL. These stand in for them so that the module links
 * alone: the build checks that nothing is left unresolved but Node's N-API and the C library.
 */
int rand_bytes(uint8_t *buf, size_t buflen) { (void)buf; (void)buflen; return -1; }
int hex_to_bytes(const char *in, size_t inlen, uint8_t *out, size_t *outlen) {
  (void)in; (void)inlen; (void)out; (void)outlen; return -1;
}
int format_print(FILE *fp, int format, int indent, const char *str, ...) {
  (void)fp; (void)format; (void)indent; (void)str; return -1;
}
int format_bytes(FILE *fp, int format, int indent, const char *str, const uint8_t *data, size_t datalen) {
  (void)fp; (void)format; (void)indent; (void)str; (void)data; (void)datalen; return -1;
}
int asn1_type_to_der(int tag, const uint8_t *d, size_t dlen, uint8_t **out, size_t *outlen) {
  (void)tag; (void)d; (void)dlen; (void)out; (void)outlen; return -1;
}
int asn1_type_from_der(int tag, const uint8_t **d, size_t *dlen, const uint8_t **in, size_t *inlen) {
  (void)tag; (void)d; (void)dlen; (void)in; (void)inlen; return -1;
}
void sm3_init(SM3_CTX *ctx) { (void)ctx; abort(); }
void sm3_update(SM3_CTX *ctx, const uint8_t *data, size_t datalen) { (void)ctx; (void)data; (void)datalen; abort(); }
void sm3_finish(SM3_CTX *ctx, uint8_t dgst[SM3_DIGEST_SIZE]) { (void)ctx; (void)dgst; abort(); }
