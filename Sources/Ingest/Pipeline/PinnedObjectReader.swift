import AWSServices
import ConsumptionCore
import ConsumptionTable
import LambdaRuntime
import Timekeeping

/// Reads one version of an object, as often as the passes need, never holding a large one in memory. Every read is
/// pinned to the version HEAD saw (by VersionId, or by If-Match on the ETag in an unversioned bucket), so the
/// passes cannot read two different objects; a change shows as `ReadOutcome.changed`.
final class PinnedObjectReader {
    private let s3: S3Client
    private let bucket: String
    private let version: ObjectVersion
    private let chunkBytes: Int
    private let deadline: Deadline
    /// A small object, read once and kept for the later passes.
    private var whole: [UInt8]?
    /// Bytes handed to the parser at a time while writing, so the writer can flush between them.
    private let sliceBytes = 256 << 10

    init(s3: S3Client, bucket: String, version: ObjectVersion, chunkBytes: Int, deadline: Deadline) {
        self.s3 = s3
        self.bucket = bucket
        self.version = version
        self.chunkBytes = chunkBytes
        self.deadline = deadline
    }

    /// The validation passes: a small object from memory, a large one streamed in one request per pass.
    /// With `rangePlan`, the result says where the file may be cut into ranges written apart.
    func validate(rules: ValidationRules, rangePlan: RangePlan? = nil) throws(IngestFailure) -> MeterFileResult {
        try MeterFileReading.read(rules: rules, rangePlan: rangePlan) {
            (parser: MeterFileParser) throws(IngestFailure) in
            if version.size <= chunkBytes {
                parser.feed(try small())
                return
            }
            var late = false
            let deadline = self.deadline
            do throws(AWSError) {
                try stream(from: 0, through: nil) { piece in
                    guard !deadline.hasPassed else {
                        late = true
                        return false
                    }
                    parser.feed(piece.bindMemory(to: UInt8.self))
                    return true
                }
            } catch {
                throw late ? .deadlineNear : Self.failure(error)
            }
        }
    }

    /// The writing pass over a file the validation passes found valid: ranged reads of `chunkBytes`, fed to the
    /// parser a slice at a time with `afterSlice` (the writer's flush) in between.
    func write(
        rules: ValidationRules, range: (job: RangeJob, index: Int)? = nil, onMeterDay: @escaping (MeterDay) -> Void,
        afterSlice: () throws(IngestFailure) -> Void
    )
        throws(IngestFailure) -> MeterFileResult
    {
        let parser = MeterFileParser(rules: rules, repeatCheck: .alreadyChecked, onMeterDay: onMeterDay)
        func feed(_ bytes: [UInt8]) throws(IngestFailure) {
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + sliceBytes)
                bytes[start..<end].withUnsafeBufferPointer { parser.feed($0) }
                start = end
                try afterSlice()
                guard !deadline.hasPassed else { throw .deadlineNear }
            }
        }
        var bytes = 0..<version.size
        if let (job, index) = range {
            // The header record (all before the first range) tells the parser the file's layout.
            try feed(try read(from: 0, through: job.starts[0].offset - 1))
            parser.continueAt(job.starts[index])
            bytes = job.bytes(of: index, objectSize: version.size)
        }
        if range == nil && version.size <= chunkBytes {
            try feed(try small())
        } else {
            var offset = bytes.lowerBound
            while offset < bytes.upperBound {
                let last = min(bytes.upperBound, offset + chunkBytes) - 1
                try feed(try read(from: offset, through: last))
                offset = last + 1
            }
        }
        let result = parser.finish()
        try afterSlice()
        return result
    }

    private func small() throws(IngestFailure) -> [UInt8] {
        if let whole { return whole }
        let bytes = try read(from: 0, through: nil)
        whole = bytes
        return bytes
    }

    private func read(from start: Int, through end: Int?) throws(IngestFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        do throws(AWSError) {
            try stream(from: start, through: end) { piece in
                bytes.append(contentsOf: piece)
                return true
            }
        } catch {
            throw Self.failure(error)
        }
        return bytes
    }

    /// A stream that stalls or drops after some bytes arrived is resumed where it stopped, at most this often per
    /// read: one slow connection costs seconds, not the invocation.
    private static let maxResumes = 5

    /// Streams bytes `start` through `end` (inclusive; nil: the object's end) of the version to `onPiece`. Before
    /// the first byte, `AWSClient` retries as for any call; after it, a retryable transport failure (a stall, a
    /// reset) resumes with a ranged GET of the rest.
    private func stream(from start: Int, through end: Int?, _ onPiece: @escaping (UnsafeRawBufferPointer) -> Bool)
        throws(AWSError)
    {
        let last = min(end ?? (version.size - 1), version.size - 1)
        var offset = start
        var resumes = 0
        while true {
            let range = offset == 0 && end == nil ? nil : "bytes=\(offset)-\(last)"
            do throws(AWSError) {
                try s3.getObject(
                    bucket: bucket, key: version.key, versionID: version.versionID, range: range,
                    ifMatch: version.versionID == nil ? version.eTag : nil, deadline: deadline
                ) { piece in
                    offset += piece.count
                    return onPiece(piece)
                }
                return
            } catch {
                guard case .transport(let failure) = error, failure.isRetryable, resumes < Self.maxResumes,
                    !deadline.hasPassed
                else { throw error }
                if offset > last { return }
                resumes += 1
            }
        }
    }

    /// The version is gone or was replaced mid-read: `ObjectIngestor` starts over from a fresh HEAD. (Where listing
    /// is scoped to a prefix, S3 answers a version deleted mid-read with 403, which cannot be told from a refusal
    /// here: that attempt fails, and its retry starts from a fresh HEAD too.)
    static func failure(_ error: AWSError) -> IngestFailure {
        if case .service(let failure) = error, failure.status == 404 || failure.status == 412 {
            return .objectChanging(failure.code)
        }
        return .aws(error)
    }
}
