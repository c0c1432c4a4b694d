import CZlib

/// Gzip compression over zlib, into memory: what the analytics layer's files are written with. The same input
/// always gives the same bytes (no file name, no time in the header), so a file written again is the same object.
public final class GzipDeflater {
    private var stream = z_stream()
    private let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64 * 1024)
    public private(set) var compressed: [UInt8] = []
    public private(set) var inputBytes = 0

    public init() {
        // 15 + 16: a window of 32 KiB and a gzip wrapper; level 6 is gzip(1)'s default; memLevel 8 is zlib's.
        let status = deflateInit2_(
            &stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        // deflateInit2 fails only without memory or with a zlib of another ABI, which the link forbids.
        precondition(status == Z_OK, "zlib deflate could not start (\(status))")
    }

    deinit {
        deflateEnd(&stream)
        buffer.deallocate()
    }

    public func append(_ bytes: [UInt8]) {
        inputBytes += bytes.count
        bytes.withUnsafeBufferPointer { run($0, flush: Z_NO_FLUSH) }
    }

    /// Ends the stream; the deflater takes no more input after it.
    public func finish() -> [UInt8] {
        run(UnsafeBufferPointer(start: nil, count: 0), flush: Z_FINISH)
        return compressed
    }

    private func run(_ input: UnsafeBufferPointer<UInt8>, flush: Int32) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(input.count)
        var status: Int32
        repeat {
            stream.next_out = buffer.baseAddress
            stream.avail_out = UInt32(buffer.count)
            status = deflate(&stream, flush)
            // Only a corrupted stream state gives this; nothing here can corrupt it.
            precondition(status != Z_STREAM_ERROR, "zlib deflate state corrupt")
            compressed += buffer[0..<(buffer.count - Int(stream.avail_out))]
        } while stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END)
    }
}
