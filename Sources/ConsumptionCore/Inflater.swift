import CZlib

/// One deflate stream inflated by zlib, in pieces as its input arrives: a gzip member (`windowBits` 31) or a zip
/// member's raw deflate (-15). Every piece of output is charged to the file's `InflationBudget` before it is handed
/// on, so a bomb stops early.
final class Inflater {
    enum Failure: Error {
        case corrupt(String)
        case tooLarge
        case ratio
    }

    private var stream = z_stream()
    private let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 256 * 1024)

    init(windowBits: Int32) throws(Failure) {
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            output.deallocate()
            throw .corrupt("zlib could not start")
        }
    }

    deinit {
        inflateEnd(&stream)
        output.deallocate()
    }

    /// Inflates `input` until it is used up or the stream ends; returns the bytes of `input` it took, and whether
    /// the stream ended (what follows in `input` is not the stream's).
    func inflate(
        _ input: UnsafeBufferPointer<UInt8>, budget: inout InflationBudget,
        _ handle: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(Failure) -> (consumed: Int, ended: Bool) {
        guard let base = input.baseAddress, !input.isEmpty else { return (0, false) }
        stream.next_in = UnsafeMutablePointer(mutating: base)
        stream.avail_in = UInt32(min(input.count, Int(UInt32.max)))
        let before = Int(stream.avail_in)
        var status: Int32 = Z_OK
        repeat {
            stream.next_out = output.baseAddress
            stream.avail_out = UInt32(output.count)
            status = CZlib.inflate(&stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 {
                // Checked before handing the piece on, per 256 KiB of output.
                try budget.spend(produced, consumed: before - Int(stream.avail_in))
                handle(UnsafeBufferPointer(rebasing: output[0..<produced]))
            }
            if status == Z_BUF_ERROR && produced == 0 { break }  // needs more input
            guard status == Z_OK || status == Z_STREAM_END else {
                throw .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
            }
        } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
        let consumed = before - Int(stream.avail_in)
        budget.inputBytes += consumed
        return (consumed, status == Z_STREAM_END)
    }
}

/// What a file may inflate to: at most `maxOutputBytes`, and past its first MiB at most `maxRatio` times the
/// compressed bytes read so far (a small file of repeated values may compress very well).
struct InflationBudget {
    let maxOutputBytes: Int
    let maxRatio: Int
    private let ratioGrace = 1 << 20
    var inputBytes = 0
    private(set) var outputBytes = 0

    init(maxOutputBytes: Int, maxRatio: Int) {
        self.maxOutputBytes = maxOutputBytes
        self.maxRatio = maxRatio
    }

    /// Charges `output` bytes produced from `consumed` more bytes of input than `inputBytes`.
    mutating func spend(_ output: Int, consumed: Int) throws(Inflater.Failure) {
        outputBytes += output
        if outputBytes > maxOutputBytes { throw .tooLarge }
        if outputBytes > ratioGrace && outputBytes / max(inputBytes + consumed, 1) >= maxRatio { throw .ratio }
    }
}
