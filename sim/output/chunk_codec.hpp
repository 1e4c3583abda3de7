#pragma once
// ChunkCodec: encodes one chunk exactly as HDF5's filter pipeline "shuffle, deflate" stores it,
// so the writer can compress whole chunks itself and hand them to H5Dwrite_chunk. Readers see
// an ordinary shuffle + deflate chunk (any HDF5, h5py, xarray).
//
// The deflate stream is one zlib stream per chunk (a raw deflate stream between zlib's header
// and an Adler-32 trailer computed here, faster than zlib's). Each byte plane of the shuffled chunk
// (all first bytes of the elements, then all second bytes, ...) is deflated at the dataset's level,
// except planes that a sample shows to be incompressible (the low mantissa bytes of float64
// trajectories): those go into stored blocks of the same stream, and planes where the sample
// finds few matches are Huffman-coded only. Deflating random bytes is deflate's slowest case
// and saves nothing there. HDF5-free; not thread-safe (one per thread).
//
// Two deflate engines write such streams. zlib's (above) is always there. Where the build
// found Intel's ISA-L (Debian's libisal-dev), its igzip deflates each compressible plane into
// byte-aligned blocks (a full flush) and the codec writes the stored planes, the final block,
// header and trailer around them: 2-3x faster on the trajectories' chunks, at about the
// same size (docs/performance.md, "Summary"). Either engine's chunks inflate with zlib,
// so any HDF5 reader reads them; the bytes differ, the data do not. zlib's bytes are a function
// of the chunk; igzip's may differ from one encoding of a chunk to the next (see
// chunk_codec.cpp), the data never.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace regsim {

enum class DeflateEngine : std::uint8_t { zlib, isal };
// Whether this build can use `engine`, and the fastest one it can (what the writers use).
bool deflateEngineAvailable(DeflateEngine engine);
DeflateEngine fastestDeflateEngine();

class ChunkCodec {
  public:
    // Throws std::invalid_argument for an engine this build lacks.
    explicit ChunkCodec(int level, DeflateEngine engine = fastestDeflateEngine());
    ~ChunkCodec();
    ChunkCodec(const ChunkCodec&) = delete;
    ChunkCodec& operator=(const ChunkCodec&) = delete;

    // Shuffles `bytes` bytes of `element`-byte elements (no shuffle for 1-byte elements, as
    // HDF5's filter does) and deflates them into `out` (resized to the encoded size; its
    // capacity is reused). Throws std::runtime_error if zlib fails.
    void encode(const std::uint8_t* raw, std::size_t bytes, std::size_t element,
                std::vector<std::uint8_t>& out);

  private:
    struct Streams;
    // The planes of `data` (shuffled, or the raw bytes of 1-byte elements) into out, after the
    // zlib header; both return the Adler-32 of data.
    std::uint32_t deflateZlib(const std::uint8_t* data, std::size_t planes, std::size_t plane,
                              std::vector<std::uint8_t>& out);
    std::uint32_t deflateIsal(const std::uint8_t* data, std::size_t planes, std::size_t plane,
                              std::vector<std::uint8_t>& out);
    // The deflated size of a sample of the plane as a share of the sample's size, by this
    // engine; -1 when the plane is too short to sample.
    double sampledRatio(const std::uint8_t* segment, std::size_t plane);

    std::unique_ptr<Streams> z_;
    std::vector<std::uint8_t> shuffled_;
    std::vector<std::uint8_t> sample_out_;
    int level_;
    DeflateEngine engine_;
};

// Adler-32 of `size` more bytes after a checksum `adler` (1 to start), as zlib's adler32()
// computes it, faster: ISA-L's where the build has it (AVX2 where the CPU has it), else
// adler32Portable.
std::uint32_t adler32Update(std::uint32_t adler, const std::uint8_t* data, std::size_t size);
// The same, regsim's own (SSE2 where available): what builds without ISA-L use. Tested against
// zlib like adler32Update, whichever the build uses.
std::uint32_t adler32Portable(std::uint32_t adler, const std::uint8_t* data, std::size_t size);

// `bytes` bytes at `out` of repeated copies of the element `fill` (the fill value of an edge
// chunk or of a chunk not yet full), by doubling copies.
void fillWithElement(std::uint8_t* out, std::size_t bytes, const std::vector<std::uint8_t>& fill);

// The inverse of encode (inflate, then unshuffle), for tests: `bytes` is the raw size.
std::vector<std::uint8_t> decodeChunk(const std::uint8_t* data, std::size_t size, std::size_t bytes,
                                      std::size_t element);

}  // namespace regsim
