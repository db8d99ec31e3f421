/* What the tests expect of changed blobs, written once from docs/protocol.md (tests only). */
#ifndef CLOAK_TEST_EXPECT_H
#define CLOAK_TEST_EXPECT_H

#include <stddef.h>
#include <stdint.h>

/* The status a reader must give when byte i (< 4) of a blob's header became `value`: section 2's
 * steps 2 to 4 (version, known type and the expected one, suite). */
int expected_header_code(size_t i, uint8_t value);

/* X25519 points of small order and non-canonical encodings of them: every agreement with one gives
 * an all-zero result, which libcloak refuses. */
#define LOW_ORDER_POINTS 7U
extern const uint8_t low_order_points[LOW_ORDER_POINTS][32];
/* The status docs/protocol.md 1.4 gives one of them wherever a public key enters: malformed for a
 * non-canonical encoding (u >= p), invalid key for a canonical point of small order. */
int low_order_point_status(size_t i);

#endif
