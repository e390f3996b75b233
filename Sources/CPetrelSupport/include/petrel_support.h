#ifndef PETREL_SUPPORT_H
#define PETREL_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// CRC-32C (Castagnoli), as used by Kafka record batches v2.
/// `crc` is a previous result (0 to start), so a checksum can be computed over pieces:
/// petrel_crc32c(petrel_crc32c(0, a, n), b, m) == petrel_crc32c(0, a||b, n+m).
/// Uses SSE4.2 when the CPU has it, otherwise a slicing-by-8 table.
uint32_t petrel_crc32c(uint32_t crc, const void *data, size_t len);

/// The portable table implementation, exposed so tests can check the hardware path against it.
uint32_t petrel_crc32c_software(uint32_t crc, const void *data, size_t len);

/// 1 when petrel_crc32c uses the hardware instruction.
int petrel_crc32c_is_hardware(void);

#ifdef __cplusplus
}
#endif

#endif
