#include "output/chunk_codec.hpp"

#include <zlib.h>

#if defined(REGSIM_HAVE_ISAL)
#include <isa-l/igzip_lib.h>
#endif

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace regsim {
namespace {

// A plane of at least kMinSampled bytes is sampled before it is deflated: kSamples pieces of
// kSample bytes, centred at 1/4 and 3/4 of it, each deflated alone; shorter planes are always
// deflated (cheap either way). The pieces are small because sampling an incompressible plane
// is deflate's slow case, paid on every such plane (one 8 KB sample from the middle was 40%
// of the encoding time of the sweep's alignment chunks), yet each spans the repeats of a
// state's trajectory within a replicate; two of them see both halves of a chunk whose end is
// fill values (the last chunk of a run or sweep), which one middle sample could miss.
constexpr std::size_t kSamples = 2;
constexpr std::size_t kSample = 2048;
constexpr std::size_t kMinSampled = 16384;
// Zero bytes after igzip's input (see encode).
constexpr std::size_t kInputPad = 64;
// Stored when the sample's deflated size is above this share of the sample.
constexpr double kIncompressible = 0.9;
// Above this share, matches save little: Huffman coding alone (no match search, twice as
// fast on such planes, as small or smaller).
constexpr double kFewMatches = 0.5;

// HDF5's shuffle: byte k of element i goes to dst[k * n + i]. In blocks of elements that fit
// in L1, with the element size a constant for the common sizes so the inner loop unrolls.
template <std::size_t E>
void shuffleBlocks(const std::uint8_t* src, std::size_t n, std::size_t element, std::uint8_t* dst) {
    const std::size_t e = E == 0 ? element : E;
    constexpr std::size_t kBlock = 2048;
    for (std::size_t b = 0; b < n; b += kBlock) {
        const std::size_t end = std::min(n, b + kBlock);
        for (std::size_t k = 0; k < e; ++k) {
            std::uint8_t* out = dst + k * n;
            const std::uint8_t* in = src + k;
            for (std::size_t i = b; i < end; ++i) out[i] = in[i * e];
        }
    }
}

#if defined(__SSE2__)
// The shuffle of 8-byte elements (the float64 datasets), 16 elements at a time: their 16 x 8
// bytes transposed in registers by unpacking bytes, then pairs, quads and halves, one 16-byte
// store per plane: 17-22 GB/s on 1 MiB chunks here, against about 4 for the loop above.
void shuffle8(const std::uint8_t* src, std::size_t n, std::uint8_t* dst) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i b[8], c[8];
        for (int k = 0; k < 8; ++k) {  // elements 2k, 2k + 1: their bytes j side by side
            const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 8 * i) + k);
            b[k] = _mm_unpacklo_epi8(a, _mm_srli_si128(a, 8));
        }
        for (int k = 0; k < 8; k += 2) {  // elements 2k .. 2k + 3: bytes 0-3, then 4-7
            c[k] = _mm_unpacklo_epi16(b[k], b[k + 1]);
            c[k + 1] = _mm_unpackhi_epi16(b[k], b[k + 1]);
        }
        for (int half = 0; half < 2; ++half) {  // bytes 0-3, then 4-7
            // d[q]: bytes 4 half + 2q and + 1 of elements 0-7 (lo, hi) and 8-15.
            const __m128i lo0 = _mm_unpacklo_epi32(c[half], c[2 + half]);
            const __m128i lo1 = _mm_unpackhi_epi32(c[half], c[2 + half]);
            const __m128i hi0 = _mm_unpacklo_epi32(c[4 + half], c[6 + half]);
            const __m128i hi1 = _mm_unpackhi_epi32(c[4 + half], c[6 + half]);
            const std::size_t j = 4 * std::size_t(half);
            const auto out = [&](std::size_t plane, __m128i v) {
                _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + plane * n + i), v);
            };
            out(j, _mm_unpacklo_epi64(lo0, hi0));
            out(j + 1, _mm_unpackhi_epi64(lo0, hi0));
            out(j + 2, _mm_unpacklo_epi64(lo1, hi1));
            out(j + 3, _mm_unpackhi_epi64(lo1, hi1));
        }
    }
    for (; i < n; ++i)
        for (std::size_t k = 0; k < 8; ++k) dst[k * n + i] = src[8 * i + k];
}
#endif

void shuffleBytes(const std::uint8_t* src, std::size_t n, std::size_t element, std::uint8_t* dst) {
#if defined(__SSE2__)
    if (element == 8) return shuffle8(src, n, dst);
#endif
    switch (element) {
        case 2:
            return shuffleBlocks<2>(src, n, element, dst);
        case 4:
            return shuffleBlocks<4>(src, n, element, dst);
        case 8:
            return shuffleBlocks<8>(src, n, element, dst);
        default:
            return shuffleBlocks<0>(src, n, element, dst);
    }
}

// zlib's header for a stream deflated at `level` with a 32 KiB window (as deflate.c writes it).
std::uint16_t zlibHeader(int level) {
    const unsigned flags = level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
    unsigned header = (0x78u << 8) | (flags << 6);
    header += 31 - header % 31;
    return static_cast<std::uint16_t>(header);
}

void zcheck(int status, const char* what) {
    if (status != Z_OK) throw std::runtime_error(std::string("zlib: ") + what + " failed");
}

#if defined(REGSIM_HAVE_ISAL)
// igzip's level-1 raw deflate of `size` bytes into `out` (room for `capacity`), in one call;
// the blocks end with a final one, or, when not `final`, byte-aligned and open (a full flush)
// for more blocks to follow. Returns the bytes written. Not a function of the input alone:
// igzip's hash tables start from memory it does not clear (on its own stack too), so the
// same plane can come out as other, equally valid, bytes (the data inflate the same).
std::size_t isalDeflate(isal_zstream& z, const std::uint8_t* in, std::size_t size,
                        std::uint8_t* out, std::size_t capacity, bool final) {
    std::memset(&z, 0, sizeof z);  // the init leaves some fields (hist_bits) as they are
    isal_deflate_stateless_init(&z);
    z.level = 1;
    z.gzip_flag = IGZIP_DEFLATE;
    z.end_of_stream = final ? 1 : 0;
    z.flush = final ? NO_FLUSH : FULL_FLUSH;
    z.next_in = const_cast<std::uint8_t*>(in);
    z.avail_in = static_cast<std::uint32_t>(size);
    z.next_out = out;
    z.avail_out = static_cast<std::uint32_t>(capacity);
    if (isal_deflate_stateless(&z) != COMP_OK || z.avail_in != 0)
        throw std::runtime_error("isa-l: deflate failed");
    return z.total_out;
}
#endif

}  // namespace

std::uint32_t adler32Update(std::uint32_t adler, const std::uint8_t* data, std::size_t size) {
#if defined(REGSIM_HAVE_ISAL)
    // igzip's, with AVX2 where the CPU has it: about 3x adler32Portable. At most 1 GiB a call:
    // its fallback for CPUs without SSE4.1 takes a 32-bit length.
    constexpr std::size_t kMaxCall = std::size_t(1) << 30;
    for (; size > kMaxCall; size -= kMaxCall, data += kMaxCall)
        adler = isal_adler32(adler, data, kMaxCall);
    return isal_adler32(adler, data, size);
#else
    return adler32Portable(adler, data, size);
#endif
}

std::uint32_t adler32Portable(std::uint32_t adler, const std::uint8_t* data, std::size_t size) {
    constexpr std::uint32_t kBase = 65521;
    std::uint64_t s1 = adler & 0xffff, s2 = adler >> 16;
#if defined(__SSE2__)
    // 16 bytes at a time: within a block, byte i adds (16 - i) times to s2, and each block adds
    // 16 times the sum of everything before it. 256 blocks between reductions keep every 32-bit
    // lane below 2^31.
    const __m128i zero = _mm_setzero_si128();
    const __m128i weights_lo = _mm_setr_epi16(16, 15, 14, 13, 12, 11, 10, 9);
    const __m128i weights_hi = _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1);
    std::size_t blocks = size / 16;
    size -= blocks * 16;
    while (blocks > 0) {
        std::size_t n = std::min<std::size_t>(blocks, 256);
        blocks -= n;
        s2 += s1 * 16 * n;
        __m128i before = zero, sum = zero, weighted = zero;
        do {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data));
            data += 16;
            before = _mm_add_epi32(before, sum);
            sum = _mm_add_epi32(sum, _mm_sad_epu8(x, zero));
            weighted = _mm_add_epi32(
                weighted, _mm_add_epi32(_mm_madd_epi16(_mm_unpacklo_epi8(x, zero), weights_lo),
                                        _mm_madd_epi16(_mm_unpackhi_epi8(x, zero), weights_hi)));
        } while (--n > 0);
        alignas(16) std::uint32_t a[4], b[4], w[4];
        _mm_store_si128(reinterpret_cast<__m128i*>(a), sum);
        _mm_store_si128(reinterpret_cast<__m128i*>(b), before);
        _mm_store_si128(reinterpret_cast<__m128i*>(w), weighted);
        s1 += std::uint64_t{a[0]} + a[1] + a[2] + a[3];
        s2 += 16 * (std::uint64_t{b[0]} + b[1] + b[2] + b[3]) + w[0] + w[1] + w[2] + w[3];
        s1 %= kBase;
        s2 %= kBase;
    }
#endif
    while (size > 0) {  // the tail, or everything without SSE2 (zlib's own NMAX between sums)
        std::size_t n = std::min<std::size_t>(size, 5552);
        size -= n;
        for (; n > 0; --n) {
            s1 += *data++;
            s2 += s1;
        }
        s1 %= kBase;
        s2 %= kBase;
    }
    return static_cast<std::uint32_t>(s2 << 16 | s1);
}

struct ChunkCodec::Streams {
    z_stream chunk{};   // the chunk's raw deflate stream (level switched per plane)
    z_stream sample{};  // raw deflate of a plane's sample, to decide the plane's level
#if defined(REGSIM_HAVE_ISAL)
    alignas(64) isal_zstream isal{};  // igzip's stream, zeroed before each use
#endif
};

bool deflateEngineAvailable(DeflateEngine engine) {
#if defined(REGSIM_HAVE_ISAL)
    return engine == DeflateEngine::zlib || engine == DeflateEngine::isal;
#else
    return engine == DeflateEngine::zlib;
#endif
}

DeflateEngine fastestDeflateEngine() {
    return deflateEngineAvailable(DeflateEngine::isal) ? DeflateEngine::isal : DeflateEngine::zlib;
}

ChunkCodec::ChunkCodec(int level, DeflateEngine engine)
    : z_(std::make_unique<Streams>()), level_(level), engine_(engine) {
    if (!deflateEngineAvailable(engine))
        throw std::invalid_argument("ChunkCodec: this build has no such deflate engine");
    // Raw deflate (no zlib wrapper): encode() writes the header and the Adler-32 trailer
    // itself, with a checksum several times faster than zlib's. The stream is byte for byte
    // the one deflateInit(level) would write (same window and memory level).
    zcheck(deflateInit2(&z_->chunk, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), "deflateInit2");
    if (deflateInit2(&z_->sample, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        deflateEnd(&z_->chunk);
        throw std::runtime_error("zlib: deflateInit2 failed");
    }
}

ChunkCodec::~ChunkCodec() {
    deflateEnd(&z_->chunk);
    deflateEnd(&z_->sample);
}

void ChunkCodec::encode(const std::uint8_t* raw, std::size_t bytes, std::size_t element,
                        std::vector<std::uint8_t>& out) {
    if (element == 0 || bytes % element != 0) {
        throw std::invalid_argument("ChunkCodec: chunk is not a whole number of elements");
    }
    const std::size_t n = bytes / element;
    const bool shuffled = element > 1 && n > 1;  // HDF5's shuffle filter skips these
    const std::uint8_t* data = raw;
    std::size_t planes = shuffled ? element : 1;
    // igzip may read a few bytes past the end of its input: kInputPad zero bytes follow it.
    const std::size_t pad = engine_ == DeflateEngine::isal ? kInputPad : 0;
    if (shuffled || pad > 0) {
        shuffled_.resize(bytes + pad);
        if (shuffled)
            shuffleBytes(raw, n, element, shuffled_.data());
        else if (bytes > 0)
            std::memcpy(shuffled_.data(), raw, bytes);
        std::fill(shuffled_.begin() + static_cast<std::ptrdiff_t>(bytes), shuffled_.end(), 0);
        data = shuffled_.data();
    }
    const std::size_t plane = bytes / planes;
    const std::uint32_t adler = engine_ == DeflateEngine::isal
                                    ? deflateIsal(data, planes, plane, out)
                                    : deflateZlib(data, planes, plane, out);
    for (int k = 3; k >= 0; --k) out.push_back(static_cast<std::uint8_t>(adler >> (8 * k)));
}

double ChunkCodec::sampledRatio(const std::uint8_t* segment, std::size_t plane) {
    if (level_ == 0 || plane < kMinSampled) return -1.0;
    std::size_t sampled = 0;
    for (std::size_t k = 0; k < kSamples; ++k) {
        const std::size_t centre = plane * (2 * k + 1) / (2 * kSamples);
        const std::uint8_t* piece = segment + centre - kSample / 2;
#if defined(REGSIM_HAVE_ISAL)
        if (engine_ == DeflateEngine::isal) {
            sample_out_.resize(2 * kSample + 64);
            sampled +=
                isalDeflate(z_->isal, piece, kSample, sample_out_.data(), sample_out_.size(), true);
            continue;
        }
#endif
        sample_out_.resize(deflateBound(&z_->sample, kSample) + 16);
        zcheck(deflateReset(&z_->sample), "deflateReset");
        z_->sample.next_in = const_cast<Bytef*>(piece);
        z_->sample.avail_in = static_cast<uInt>(kSample);
        z_->sample.next_out = sample_out_.data();
        z_->sample.avail_out = static_cast<uInt>(sample_out_.size());
        if (deflate(&z_->sample, Z_FINISH) != Z_STREAM_END) {
            throw std::runtime_error("zlib: sample deflate failed");
        }
        sampled += z_->sample.total_out;
    }
    return static_cast<double>(sampled) / (kSamples * kSample);
}

std::uint32_t ChunkCodec::deflateZlib(const std::uint8_t* data, std::size_t planes,
                                      std::size_t plane, std::vector<std::uint8_t>& out) {
    const std::size_t bytes = planes * plane;
    z_stream& z = z_->chunk;
    zcheck(deflateReset(&z), "deflateReset");
    zcheck(deflateParams(&z, level_, Z_DEFAULT_STRATEGY), "deflateParams");
    int level = level_;
    int strategy = Z_DEFAULT_STRATEGY;
    // Room for the worst case (every plane stored) plus the block ends of each switch, the
    // header and the trailer.
    out.resize(deflateBound(&z, static_cast<uLong>(bytes)) + 64 * planes + 64);
    const std::uint16_t header = zlibHeader(level_);
    out[0] = static_cast<std::uint8_t>(header >> 8);
    out[1] = static_cast<std::uint8_t>(header & 0xff);
    z.next_out = out.data() + 2;
    z.avail_out = static_cast<uInt>(out.size() - 2);
    std::uint32_t adler = 1;
    const auto grow = [&] {
        const std::size_t used = out.size() - z.avail_out;
        out.resize(out.size() * 2);
        z.next_out = out.data() + used;
        z.avail_out = static_cast<uInt>(out.size() - used);
    };

    for (std::size_t p = 0; p < planes; ++p) {
        const std::uint8_t* segment = data + p * plane;
        int want = level_;
        int want_strategy = Z_DEFAULT_STRATEGY;
        const double ratio = sampledRatio(segment, plane);
        if (ratio > kIncompressible) {
            want = 0;
        } else if (ratio > kFewMatches) {
            want_strategy = Z_HUFFMAN_ONLY;
        }
        if (want != level || want_strategy != strategy) {
            // Compresses what came before with the old level (a block boundary), then switches.
            for (;;) {
                if (z.avail_out < 64) grow();
                const int status = deflateParams(&z, want, want_strategy);
                if (status == Z_OK) break;
                if (status != Z_BUF_ERROR) zcheck(status, "deflateParams");
                grow();
            }
            level = want;
            strategy = want_strategy;
        }
        adler = adler32Update(adler, segment, plane);
        z.next_in = const_cast<Bytef*>(segment);
        z.avail_in = static_cast<uInt>(plane);
        while (z.avail_in > 0) {
            if (z.avail_out == 0) grow();
            const int status = deflate(&z, Z_NO_FLUSH);
            if (status != Z_OK && status != Z_BUF_ERROR) zcheck(status, "deflate");
        }
    }
    for (;;) {
        if (z.avail_out == 0) grow();
        const int status = deflate(&z, Z_FINISH);
        if (status == Z_STREAM_END) break;
        if (status != Z_OK && status != Z_BUF_ERROR) zcheck(status, "deflate");
        if (z.avail_out != 0 && status == Z_BUF_ERROR) grow();
    }
    out.resize(out.size() - z.avail_out);
    return adler;
}

std::uint32_t ChunkCodec::deflateIsal(const std::uint8_t* data, std::size_t planes,
                                      std::size_t plane, std::vector<std::uint8_t>& out) {
    // Worst case: every plane stored, in blocks of at most 65535 bytes with 5-byte headers,
    // plus igzip's own block overhead, the final block and the header.
    constexpr std::size_t kStoredMax = 65535;
    const std::size_t per_plane = plane + 5 * (plane / kStoredMax + 2) + 64;
    out.resize(2 + planes * per_plane + 16);
    const std::uint16_t header = zlibHeader(level_);
    out[0] = static_cast<std::uint8_t>(header >> 8);
    out[1] = static_cast<std::uint8_t>(header & 0xff);
    std::size_t at = 2;
    std::uint32_t adler = 1;
    // A byte-aligned stored block (not final): 3 header bits padded to a byte, LEN, ~LEN.
    const auto store = [&](const std::uint8_t* bytes, std::size_t size, bool final) {
        out[at++] = final ? 1 : 0;
        out[at++] = static_cast<std::uint8_t>(size & 0xff);
        out[at++] = static_cast<std::uint8_t>(size >> 8);
        out[at++] = static_cast<std::uint8_t>(~size & 0xff);
        out[at++] = static_cast<std::uint8_t>((~size >> 8) & 0xff);
        if (size > 0) std::memcpy(out.data() + at, bytes, size);
        at += size;
    };
    for (std::size_t p = 0; p < planes; ++p) {
        const std::uint8_t* segment = data + p * plane;
        adler = adler32Update(adler, segment, plane);
        if (plane == 0) continue;
        if (level_ == 0 || sampledRatio(segment, plane) > kIncompressible) {
            for (std::size_t k = 0; k < plane; k += kStoredMax)
                store(segment + k, std::min(kStoredMax, plane - k), false);
            continue;
        }
#if defined(REGSIM_HAVE_ISAL)
        // Blocks ending byte-aligned and not final (a full flush): the next plane's blocks, or
        // a stored one, follow directly.
        at += isalDeflate(z_->isal, segment, plane, out.data() + at, per_plane, false);
#else
        throw std::logic_error(
            "ChunkCodec: igzip is not in this build");  // the constructor refuses
#endif
    }
    store(nullptr, 0, true);  // the final block: empty, stored
    out.resize(at);
    return adler;
}

std::vector<std::uint8_t> decodeChunk(const std::uint8_t* data, std::size_t size, std::size_t bytes,
                                      std::size_t element) {
    std::vector<std::uint8_t> shuffled(bytes);
    uLongf length = static_cast<uLongf>(bytes);
    if (uncompress(shuffled.data(), &length, data, static_cast<uLong>(size)) != Z_OK ||
        length != bytes) {
        throw std::runtime_error("decodeChunk: not a zlib stream of the expected size");
    }
    const std::size_t n = bytes / element;
    if (element <= 1 || n <= 1) return shuffled;
    std::vector<std::uint8_t> raw(bytes);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < element; ++k) raw[i * element + k] = shuffled[k * n + i];
    return raw;
}

void fillWithElement(std::uint8_t* out, std::size_t bytes, const std::vector<std::uint8_t>& fill) {
    const std::size_t element = fill.size();
    if (bytes < element) return;
    std::memcpy(out, fill.data(), element);
    for (std::size_t done = element; done < bytes;) {
        const std::size_t n = std::min(done, bytes - done);
        std::memcpy(out + done, out, n);
        done += n;
    }
}

}  // namespace regsim
