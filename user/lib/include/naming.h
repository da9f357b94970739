/**
 * @file naming.h
 * @brief The name server's client side (mica/proto/names.h).
 *
 * Every call needs the calling thread's registered IPC buffer. A lookup is
 * idempotent and repeated across a restart of the name server
 * (rpc_call_retry()); registering and unregistering are not.
 */
#ifndef NAMING_H
#define NAMING_H

#include <messaging.h>

/**
 * @brief Register @p ep under @p name; lookups will get @p rights.
 * @param names a name-server capability with NAMES_PERM_REGISTER and RIGHT_GRANT.
 * @param buf the calling thread's registered IPC buffer.
 * @param name the name (at most NAMES_NAME_MAX - 1 bytes).
 * @param ep the endpoint capability to register.
 * @param rights what lookups get (RIGHT_*).
 * @return 0 or a negative error (E_EXIST, E_FULL, E_INVAL, E_PERM, IPC errors).
 */
long naming_register(cap_t names, struct ipc_buffer *buf, const char *name, cap_t ep,
                    uint64_t rights);

/**
 * @brief Look @p name up; the capability arrives in slot @p slot.
 * @param names a name-server capability with NAMES_PERM_LOOKUP.
 * @param buf the calling thread's registered IPC buffer.
 * @param name the name.
 * @param slot an empty slot for the capability.
 * @return 0 or a negative error (E_NOENT, E_PERM, IPC errors).
 */
long naming_lookup(cap_t names, struct ipc_buffer *buf, const char *name, cap_t slot);

/**
 * @brief Remove @p name (registered with the same badge).
 * @param names the capability @p name was registered with.
 * @param buf the calling thread's registered IPC buffer.
 * @param name the name.
 * @return 0 or a negative error (E_NOENT, E_PERM).
 */
long naming_unregister(cap_t names, struct ipc_buffer *buf, const char *name);

#endif
