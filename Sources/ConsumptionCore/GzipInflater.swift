import CZlib

/// Streaming gzip decompression over zlib. Concatenated members (as `cat a.gz b.gz` makes) are read one after
/// another, as gzip(1) does.
final class GzipInflater {
    enum Failure: Error {
        case corrupt(String)
        case truncated
        /// More output than `maxOutputBytes`.
        case tooLarge
        /// More output than `maxRatio` times the input read so far (past `ratioGrace` bytes of output).
        case ratio
    }

    private let maxOutputBytes: Int
    private let maxRatio: Int
    /// Output under 1 MiB is never judged by its ratio: a small file of repeated values may compress very well.
    private let ratioGrace = 1 << 20
    private var inputBytes = 0
    private var outputBytes = 0

    init(maxOutputBytes: Int, maxRatio: Int) {
        self.maxOutputBytes = maxOutputBytes
        self.maxRatio = maxRatio
    }

    private var stream = z_stream()
    private var isOpen = false
    private var memberEnded = false
    private let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 256 * 1024)

    deinit {
        if isOpen { inflateEnd(&stream) }
        output.deallocate()
    }

    /// Inflates `input`, handing each piece of output to `handle`.
    func inflate(_ input: UnsafeBufferPointer<UInt8>, _ handle: (UnsafeBufferPointer<UInt8>) -> Void) throws(Failure) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        var offset = 0
        while offset < input.count {
            if !isOpen { try open() }
            stream.next_in = UnsafeMutablePointer(mutating: base + offset)
            stream.avail_in = UInt32(min(input.count - offset, Int(UInt32.max)))
            let before = Int(stream.avail_in)
            var status: Int32 = Z_OK
            repeat {
                stream.next_out = output.baseAddress
                stream.avail_out = UInt32(output.count)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                let produced = output.count - Int(stream.avail_out)
                if produced > 0 {
                    // Checked before handing the piece on, per 256 KiB of output: a bomb stops here, early.
                    outputBytes += produced
                    let consumed = inputBytes + before - Int(stream.avail_in)
                    if outputBytes > maxOutputBytes { throw .tooLarge }
                    if outputBytes > ratioGrace && outputBytes / max(consumed, 1) >= maxRatio { throw .ratio }
                    handle(UnsafeBufferPointer(rebasing: output[0..<produced]))
                }
                if status == Z_BUF_ERROR && produced == 0 { break }  // needs more input
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
                }
            } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
            offset += before - Int(stream.avail_in)
            inputBytes += before - Int(stream.avail_in)
            if status == Z_STREAM_END {
                inflateEnd(&stream)
                isOpen = false
                memberEnded = true
            }
        }
    }

    /// Checks the stream ended where the data did.
    func finish() throws(Failure) {
        if isOpen || !memberEnded { throw .truncated }
    }

    private func open() throws(Failure) {
        stream = z_stream()
        // 15 + 16: a window of 32 KiB and a gzip wrapper (not zlib, not raw deflate).
        let status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .corrupt("zlib could not start (\(status))") }
        isOpen = true
        memberEnded = false
    }
}
