/**
 * @file mica/proto/names.h
 * @brief The name server: services find each other's endpoints by name.
 *
 * A registrant sends an endpoint capability (MSG_CAP, with RIGHT_GRANT on the
 * name server's endpoint) and the rights clients may have; a lookup returns a
 * capability derived from it with exactly those rights (never more than the
 * registered capability has). Only the registrant (same badge) may
 * unregister. Lookups are idempotent and retried across a restart.
 */
#ifndef MICA_PROTO_NAMES_H
#define MICA_PROTO_NAMES_H

#include <mica/proto/common.h>

#define NAMES_NAME_MAX  32      /**< bytes of a name, including its NUL */
#define NAMES_MAX       64      /**< names registered at once */

/**
 * @name Client permissions, in the badge of a client's name-server capability
 *
 * The name server serves only badged capabilities: the low byte of the badge
 * says what the holder may do (E_PERM otherwise), the bits above it tell
 * clients apart (the registrant of a name is the badge that registered it).
 * Whoever hands out name-server capabilities (the root task) mints them with
 * these badges: a client that may only look up gets NAMES_PERM_LOOKUP and no
 * RIGHT_GRANT; a registrant needs RIGHT_GRANT to send the endpoint along.
 */
/** @{ */
#define NAMES_PERM_REGISTER 0x1 /**< may register and unregister names */
#define NAMES_PERM_LOOKUP   0x2 /**< may look names up */
#define NAMES_PERM_MASK     0xff /**< the permission bits of a badge */
/** @} */

/** @name Labels */
/** @{ */
#define NAMES_REGISTER   (PROTO_BASE_NAMES + 1) /**< names_request + cap -> nothing; E_EXIST, E_FULL, E_INVAL, E_PERM */
#define NAMES_LOOKUP     (PROTO_BASE_NAMES + 2) /**< names_request -> names_lookup_reply + cap; E_NOENT, E_PERM */
#define NAMES_UNREGISTER (PROTO_BASE_NAMES + 3) /**< names_request -> nothing; E_NOENT, E_PERM */
/** @} */

/** Request of every names operation. */
struct names_request {
    char name[NAMES_NAME_MAX];  /**< NUL-terminated, non-empty, printable, no '/' */
    uint64_t rights;            /**< NAMES_REGISTER: rights lookups get (RIGHT_*); else 0 */
};

/** Reply of NAMES_LOOKUP (the capability travels with it). */
struct names_lookup_reply {
    uint64_t rights;            /**< the rights of the capability received */
};

/** @cond */
PROTO_CHECK(struct names_request);
PROTO_CHECK(struct names_lookup_reply);
/** @endcond */

#endif
