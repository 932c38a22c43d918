// Strict base64 (see base64.h), by hand: libsodium's constant-time codec
// cost about 6 ns a byte, on every reply and every upload.
#include "wire/base64.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace facesync::wire {

namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The two characters of every 12-bit value, first character in the lower
// byte, so that storing an entry writes them in order on a little-endian
// machine (and in the other order on a big-endian one: see pair_of).
struct PairTable {
  std::array<uint16_t, 4096> entries{};
  constexpr PairTable() {
    for (unsigned v = 0; v < 4096; ++v) {
      const auto first = static_cast<unsigned char>(kAlphabet[v >> 6]);
      const auto second = static_cast<unsigned char>(kAlphabet[v & 63]);
      entries[v] = static_cast<uint16_t>(first | second << 8);
    }
  }
};
constexpr PairTable kPairs;

// Writes the two characters of the 12-bit value `v` at `out`.
inline void put_pair(uint32_t v, char* out) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &kPairs.entries[v], 2);
  } else {
    out[0] = kAlphabet[v >> 6];
    out[1] = kAlphabet[v & 63];
  }
}

// Six bytes at `in` (eight readable) as the top 48 bits of a word.
inline uint64_t load_six(const unsigned char* in) {
  uint64_t word;
  std::memcpy(&word, in, 8);
  if constexpr (std::endian::native == std::endian::little) {
    word = __builtin_bswap64(word);
  }
  return word;
}

// Encodes whole 3-byte groups of `in`, `size` a multiple of 3; returns the
// end of the text written at `out`.
char* encode_groups(const unsigned char* in, size_t size, char* out) {
  // Six bytes (four 12-bit values) a step, while eight can be loaded.
  size_t i = 0;
  for (; i + 8 <= size; i += 6, out += 8) {
    const uint64_t word = load_six(in + i);
    put_pair(static_cast<uint32_t>(word >> 52), out);
    put_pair(static_cast<uint32_t>(word >> 40) & 0xFFF, out + 2);
    put_pair(static_cast<uint32_t>(word >> 28) & 0xFFF, out + 4);
    put_pair(static_cast<uint32_t>(word >> 16) & 0xFFF, out + 6);
  }
  for (; i < size; i += 3, out += 4) {
    const uint32_t group = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
    put_pair(group >> 12, out);
    put_pair(group & 0xFFF, out + 2);
  }
  return out;
}

// The 6-bit value of every character; kNotBase64 outside the alphabet.
constexpr uint8_t kNotBase64 = 0xFF;
struct ValueTable {
  std::array<uint8_t, 256> values{};
  constexpr ValueTable() {
    values.fill(kNotBase64);
    for (unsigned v = 0; v < 64; ++v)
      values[static_cast<unsigned char>(kAlphabet[v])] =
          static_cast<uint8_t>(v);
  }
};
constexpr ValueTable kValues;

// Decodes `groups` groups of 4 characters without padding into 3 bytes
// each; false when a character is outside the alphabet (the bytes written
// are then meaningless).
bool decode_groups(const unsigned char* in, size_t groups, unsigned char* out) {
  uint32_t seen = 0;  // every value or'ed: kNotBase64 sets the top bit
  for (size_t g = 0; g < groups; ++g, in += 4, out += 3) {
    const uint32_t a = kValues.values[in[0]], b = kValues.values[in[1]];
    const uint32_t c = kValues.values[in[2]], d = kValues.values[in[3]];
    seen |= a | b | c | d;
    const uint32_t group = a << 18 | b << 12 | c << 6 | d;
    out[0] = static_cast<unsigned char>(group >> 16);
    out[1] = static_cast<unsigned char>(group >> 8);
    out[2] = static_cast<unsigned char>(group);
  }
  return (seen & 0x80) == 0;
}

// Decodes the last group, with `padding` '=' at its end, into 3 - padding
// bytes. The bits the padding leaves over must be zero (one encoding per
// image).
bool decode_last(const unsigned char* in, size_t padding, unsigned char* out) {
  if (padding == 0) return decode_groups(in, 1, out);
  const uint32_t a = kValues.values[in[0]], b = kValues.values[in[1]];
  const uint32_t c = padding == 1 ? kValues.values[in[2]] : 0;
  if (((a | b | c) & 0x80) != 0) return false;
  const uint32_t group = a << 18 | b << 12 | c << 6;
  out[0] = static_cast<unsigned char>(group >> 16);
  if (padding == 1) out[1] = static_cast<unsigned char>(group >> 8);
  const uint32_t left_over = padding == 1 ? group & 0xFF : group & 0xFFFF;
  return left_over == 0;
}

Status bad_image(const char* detail) {
  return Status(ErrorCode::kBadImage, detail);
}

#if defined(__x86_64__)
// 24 bytes a step into 32 characters with AVX2, while 28 can be loaded
// (each 128-bit half loads 16 bytes and uses 12); returns the bytes
// consumed, a multiple of 24. The rest is left to encode_groups.
//
// Each half holds four 3-byte groups s0 s1 s2. A shuffle lays each group
// out in a 32-bit lane as the bytes s1 s0 s2 s1, so that the 16-bit halves
// read "s0 s1" and "s1 s2" and every 6-bit index sits in one of them; a
// masked high multiply and a masked low multiply move the four indices to
// the four bytes of the lane. An index becomes its character by adding an
// offset chosen by its range: the range is found with a saturating
// subtraction and a compare, and looked up with a byte shuffle.
__attribute__((target("avx2"))) size_t encode_avx2(const unsigned char* in,
                                                   size_t size, char* out) {
  const __m256i spread =
      _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,  //
                       1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
  // Range 0: 26..51 (a-z); 1 to 10: 52..61 (0-9); 11: 62 (+); 12: 63 (/);
  // 13: 0..25 (A-Z).
  const __m256i offsets = _mm256_setr_epi8(
      71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0,  //
      71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);

  size_t i = 0;
  for (; i + 28 <= size; i += 24, out += 32) {
    const __m128i low =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    const __m128i high =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i + 12));
    const __m256i bytes =
        _mm256_shuffle_epi8(_mm256_set_m128i(high, low), spread);

    // Bits 15..10 of "s0 s1" and 11..6 of "s1 s2" down to bytes 0 and 2;
    // bits 9..4 and 5..0 up to bytes 1 and 3.
    const __m256i first_third = _mm256_mulhi_epu16(
        _mm256_and_si256(bytes, _mm256_set1_epi32(0x0FC0FC00)),
        _mm256_set1_epi32(0x04000040));
    const __m256i second_fourth = _mm256_mullo_epi16(
        _mm256_and_si256(bytes, _mm256_set1_epi32(0x003F03F0)),
        _mm256_set1_epi32(0x01000010));
    const __m256i indices = _mm256_or_si256(first_third, second_fourth);

    __m256i range = _mm256_subs_epu8(indices, _mm256_set1_epi8(51));
    const __m256i capital = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), indices);
    range =
        _mm256_or_si256(range, _mm256_and_si256(capital, _mm256_set1_epi8(13)));
    const __m256i text =
        _mm256_add_epi8(indices, _mm256_shuffle_epi8(offsets, range));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), text);
  }
  return i;
}

bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#endif

}  // namespace

void base64_append(std::string_view bytes, std::string* out) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t whole = bytes.size() / 3 * 3;
  const size_t start = out->size();
  out->resize(start + (bytes.size() + 2) / 3 * 4);
  char* end = out->data() + start;
  size_t done = 0;
#if defined(__x86_64__)
  if (has_avx2()) {
    done = encode_avx2(in, whole, end);
    end += done / 3 * 4;
  }
#endif
  end = encode_groups(in + done, whole - done, end);

  // One or two bytes left: their characters, then padding.
  const size_t left = bytes.size() - whole;
  if (left == 0) return;
  const uint32_t group = in[whole] << 16 | (left == 2 ? in[whole + 1] : 0) << 8;
  end[0] = kAlphabet[group >> 18];
  end[1] = kAlphabet[group >> 12 & 63];
  end[2] = left == 2 ? kAlphabet[group >> 6 & 63] : '=';
  end[3] = '=';
}

Result<std::string> base64_decode(std::string_view text, size_t max_bytes) {
  if (text.empty()) return std::string();
  if (text.size() % 4 != 0) {
    return bad_image("base64 length is not a multiple of 4");
  }

  // The decoded size follows from the length and the padding alone.
  size_t padding = 0;
  if (text.ends_with("==")) {
    padding = 2;
  } else if (text.ends_with('=')) {
    padding = 1;
  }
  const size_t size = text.size() / 4 * 3 - padding;
  if (size > max_bytes) {
    return Status(ErrorCode::kImageTooLarge, "image is over the size limit");
  }

  // Whole groups first; the last group may carry padding.
  std::string bytes(size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(bytes.data());
  const size_t groups = text.size() / 4 - 1;
  const unsigned char* in = reinterpret_cast<const unsigned char*>(text.data());
  bool ok = decode_groups(in, groups, out);
  if (ok) ok = decode_last(in + groups * 4, padding, out + groups * 3);
  if (!ok) return bad_image("image is not strict base64");
  return bytes;
}

}  // namespace facesync::wire
