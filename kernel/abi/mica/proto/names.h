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

/** @name Labels */
/** @{ */
#define NAMES_REGISTER   (PROTO_BASE_NAMES + 1) /**< names_request + cap -> nothing; E_EXIST, E_FULL, E_INVAL */
#define NAMES_LOOKUP     (PROTO_BASE_NAMES + 2) /**< names_request -> names_lookup_reply + cap; E_NOENT */
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
