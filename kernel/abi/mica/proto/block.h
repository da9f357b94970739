/**
 * @file mica/proto/block.h
 * @brief The block server: a disk of fixed-size blocks (a RAM disk for now).
 *
 * A block is BLOCK_SIZE bytes, small enough that a block and its number fit
 * in one message (no shared memory needed). The reply to BLOCK_WRITE is sent
 * only after the block is stored: from then on every later read sees it,
 * whatever happens to the writer. Reads, writes and the count are all
 * idempotent, but the file server does not repeat them after E_DEAD: a
 * restarted block server starts with an empty disk (its blocks live in its
 * own memory; keeping them in frames the reincarnation server holds is a
 * lab 7 challenge).
 */
#ifndef MICA_PROTO_BLOCK_H
#define MICA_PROTO_BLOCK_H

#include <mica/proto/common.h>

#define BLOCK_SIZE 256          /**< bytes per block */

/** @name Labels */
/** @{ */
#define BLOCK_READ  (PROTO_BASE_BLOCK + 1) /**< block_number -> block_data; E_RANGE */
#define BLOCK_WRITE (PROTO_BASE_BLOCK + 2) /**< block_write -> nothing, once stored; E_RANGE, E_IO */
#define BLOCK_COUNT (PROTO_BASE_BLOCK + 3) /**< nothing -> block_info */
/** @} */

/** Request of BLOCK_READ. */
struct block_number {
    uint64_t block;             /**< 0 .. count-1 */
};

/** Reply of BLOCK_READ. */
struct block_data {
    uint8_t data[BLOCK_SIZE];   /**< the block's contents */
};

/** Request of BLOCK_WRITE. */
struct block_write {
    uint64_t block;             /**< 0 .. count-1 */
    uint8_t data[BLOCK_SIZE];   /**< the new contents */
};

/** Reply of BLOCK_COUNT. */
struct block_info {
    uint64_t count;             /**< blocks on the disk */
    uint64_t block_size;        /**< BLOCK_SIZE */
};

/** @cond */
PROTO_CHECK(struct block_number);
PROTO_CHECK(struct block_data);
PROTO_CHECK(struct block_write);
PROTO_CHECK(struct block_info);
/** @endcond */

#endif
