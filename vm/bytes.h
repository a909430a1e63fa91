// bytes.h — the compact byte codec shared by persisted state: LEB128 varints, zigzag ints,
// length-prefixed strings and little-endian fixed words (writer functions), and a reader that
// never trusts a length or a count and turns any malformed input into a sticky failure.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace laud::vm {

// Each writer builds its bytes on the stack and appends them once (state encoding is a hot path
// of durable runs: a per-byte append pays a capacity check per byte).
inline void put_varint(std::string& out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}
inline void put_zigzag(std::string& out, int64_t v) {
  put_varint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
inline void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}
inline void put_u64(std::string& out, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  out.append(buf, 8);
}
inline void put_f64(std::string& out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  put_u64(out, bits);
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view b) : b_(b) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == b_.size(); }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size()) return fail();
      auto c = static_cast<uint8_t>(b_[pos_++]);
      v |= static_cast<uint64_t>(c & 0x7F) << shift;
      if (!(c & 0x80)) return v;
    }
    return fail();
  }
  int64_t zigzag() {
    uint64_t u = varint();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  uint8_t byte() { return pos_ < b_.size() ? static_cast<uint8_t>(b_[pos_++]) : static_cast<uint8_t>(fail()); }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(byte()) << (8 * i);
    return v;
  }
  double f64() {
    uint64_t bits = u64();
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  std::string_view bytes() {
    uint64_t n = varint();
    if (!ok_ || n > b_.size() - pos_) return fail(), std::string_view();
    std::string_view s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A count of items each at least one byte long: never more than the bytes left.
  uint64_t count() {
    uint64_t n = varint();
    if (n > b_.size() - pos_) return fail();
    return n;
  }
  uint64_t fail() {
    ok_ = false;
    pos_ = b_.size();
    return 0;
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace laud::vm
