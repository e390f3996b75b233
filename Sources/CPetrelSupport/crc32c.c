// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).
//
// Hardware path: SSE4.2 crc32 on three independent streams at once. The instruction has a
// latency of 3 cycles but a throughput of 1 per cycle, so a single dependency chain runs at a
// third of the possible speed. The three partial CRCs are joined with precomputed
// "append N zero bytes" operators (CRC is linear over GF(2)).
// Software path: slicing-by-8 tables.

#include "petrel_support.h"

#include <pthread.h>
#include <string.h>

#define POLY 0x82F63B78u

// Stream lengths for the interleaved loops: LONG for large buffers, SHORT for the tail.
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

static uint32_t table8[8][256];
static uint32_t shift_long[4][256];
static uint32_t shift_short[4][256];
static int have_hardware;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

// Multiply a(x) by b(x) modulo the polynomial, in the reflected bit order.
static uint32_t multmodp(uint32_t a, uint32_t b) {
    uint32_t m = 1u << 31;
    uint32_t p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) break;
        }
        m >>= 1;
        b = (b & 1) ? (b >> 1) ^ POLY : b >> 1;
    }
    return p;
}

// x^(8*n) mod p: the operator that appends n zero bytes to a raw CRC register.
static uint32_t xpow8n(size_t n) {
    uint32_t p = 1u << 31;       // x^0
    const uint32_t x8 = 1u << 23; // x^8
    while (n--) p = multmodp(x8, p);
    return p;
}

// Tables to apply that operator to a 32-bit register one byte at a time.
static void build_shift_table(uint32_t table[4][256], size_t n) {
    uint32_t op = xpow8n(n);
    for (int k = 0; k < 4; k++) {
        for (uint32_t b = 0; b < 256; b++) {
            table[k][b] = multmodp(op, b << (8 * k));
        }
    }
}

static inline uint32_t apply_shift(const uint32_t table[4][256], uint32_t crc) {
    return table[0][crc & 0xff] ^ table[1][(crc >> 8) & 0xff] ^
           table[2][(crc >> 16) & 0xff] ^ table[3][crc >> 24];
}

static void init_tables(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        table8[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = table8[0][n];
        for (int k = 1; k < 8; k++) {
            c = table8[0][c & 0xff] ^ (c >> 8);
            table8[k][n] = c;
        }
    }
    build_shift_table(shift_long, LONG_BLOCK);
    build_shift_table(shift_short, SHORT_BLOCK);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    have_hardware = __builtin_cpu_supports("sse4.2") ? 1 : 0;
#else
    have_hardware = 0;
#endif
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v; // little-endian hosts only use this through the word loop below
}

// Raw register update (no pre/post inversion).
static uint32_t software_raw(uint32_t crc, const unsigned char *next, size_t len) {
    while (len && ((uintptr_t)next & 7) != 0) {
        crc = table8[0][(crc ^ *next++) & 0xff] ^ (crc >> 8);
        len--;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (len >= 8) {
        uint64_t word = crc ^ load64(next);
        crc = table8[7][word & 0xff] ^ table8[6][(word >> 8) & 0xff] ^
              table8[5][(word >> 16) & 0xff] ^ table8[4][(word >> 24) & 0xff] ^
              table8[3][(word >> 32) & 0xff] ^ table8[2][(word >> 40) & 0xff] ^
              table8[1][(word >> 48) & 0xff] ^ table8[0][word >> 56];
        next += 8;
        len -= 8;
    }
#endif
    while (len--) crc = table8[0][(crc ^ *next++) & 0xff] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t hardware_raw(uint32_t crc32, const unsigned char *next, size_t len) {
    uint64_t crc0 = crc32;
    while (len && ((uintptr_t)next & 7) != 0) {
        crc0 = _mm_crc32_u8((uint32_t)crc0, *next++);
        len--;
    }
    while (len >= 3 * LONG_BLOCK) {
        uint64_t crc1 = 0, crc2 = 0;
        const unsigned char *end = next + LONG_BLOCK;
        do {
            crc0 = _mm_crc32_u64(crc0, load64(next));
            crc1 = _mm_crc32_u64(crc1, load64(next + LONG_BLOCK));
            crc2 = _mm_crc32_u64(crc2, load64(next + 2 * LONG_BLOCK));
            next += 8;
        } while (next < end);
        crc0 = apply_shift(shift_long, (uint32_t)crc0) ^ (uint32_t)crc1;
        crc0 = apply_shift(shift_long, (uint32_t)crc0) ^ (uint32_t)crc2;
        next += 2 * LONG_BLOCK;
        len -= 3 * LONG_BLOCK;
    }
    while (len >= 3 * SHORT_BLOCK) {
        uint64_t crc1 = 0, crc2 = 0;
        const unsigned char *end = next + SHORT_BLOCK;
        do {
            crc0 = _mm_crc32_u64(crc0, load64(next));
            crc1 = _mm_crc32_u64(crc1, load64(next + SHORT_BLOCK));
            crc2 = _mm_crc32_u64(crc2, load64(next + 2 * SHORT_BLOCK));
            next += 8;
        } while (next < end);
        crc0 = apply_shift(shift_short, (uint32_t)crc0) ^ (uint32_t)crc1;
        crc0 = apply_shift(shift_short, (uint32_t)crc0) ^ (uint32_t)crc2;
        next += 2 * SHORT_BLOCK;
        len -= 3 * SHORT_BLOCK;
    }
    while (len >= 8) {
        crc0 = _mm_crc32_u64(crc0, load64(next));
        next += 8;
        len -= 8;
    }
    while (len--) crc0 = _mm_crc32_u8((uint32_t)crc0, *next++);
    return (uint32_t)crc0;
}
#endif

uint32_t petrel_crc32c_software(uint32_t crc, const void *data, size_t len) {
    pthread_once(&init_once, init_tables);
    if (len == 0) return crc;
    return ~software_raw(~crc, (const unsigned char *)data, len);
}

uint32_t petrel_crc32c(uint32_t crc, const void *data, size_t len) {
    pthread_once(&init_once, init_tables);
    if (len == 0) return crc;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (have_hardware) return ~hardware_raw(~crc, (const unsigned char *)data, len);
#endif
    return ~software_raw(~crc, (const unsigned char *)data, len);
}

int petrel_crc32c_is_hardware(void) {
    pthread_once(&init_once, init_tables);
    return have_hardware;
}
