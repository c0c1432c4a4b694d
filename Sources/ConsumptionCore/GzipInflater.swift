/// Streaming gzip decompression over zlib. Concatenated members (as `cat a.gz b.gz` makes) are read one after
/// another, as gzip(1) does. Public for the tools that read what ingest writes gzipped (the analytics layer).
public final class GzipInflater {
    public enum Failure: Error {
        case corrupt(String)
        case truncated
        /// More output than `maxOutputBytes`.
        case tooLarge
        /// More output than `maxRatio` times the input read so far (past its first MiB of output).
        case ratio
    }

    private var budget: InflationBudget
    private var member: Inflater?
    private var memberEnded = false

    public init(maxOutputBytes: Int, maxRatio: Int) {
        budget = InflationBudget(maxOutputBytes: maxOutputBytes, maxRatio: maxRatio)
    }

    /// Inflates `input`, handing each piece of output to `handle`.
    public func inflate(_ input: UnsafeBufferPointer<UInt8>, _ handle: (UnsafeBufferPointer<UInt8>) -> Void)
        throws(Failure)
    {
        guard let base = input.baseAddress else { return }
        var offset = 0
        do throws(Inflater.Failure) {
            while offset < input.count {
                // 15 + 16: a window of 32 KiB and a gzip wrapper (not zlib, not raw deflate).
                let current: Inflater
                if let member {
                    current = member
                } else {
                    current = try Inflater(windowBits: 15 + 16)
                    member = current
                    memberEnded = false
                }
                let rest = UnsafeBufferPointer(start: base + offset, count: input.count - offset)
                let (consumed, ended) = try current.inflate(rest, budget: &budget, handle)
                offset += consumed
                if ended {
                    member = nil
                    memberEnded = true
                } else if consumed == 0 {
                    break
                }
            }
        } catch {
            switch error {
            case .corrupt(let message): throw .corrupt(message)
            case .tooLarge: throw .tooLarge
            case .ratio: throw .ratio
            }
        }
    }

    /// Checks the stream ended where the data did.
    public func finish() throws(Failure) {
        if member != nil || !memberEnded { throw .truncated }
    }
}
