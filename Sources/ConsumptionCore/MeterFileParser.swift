/// Reads one meter file, fed in byte chunks of any size, into exact daily totals and a validation report.
///
/// The format is told by the content, never the name: gzip by its magic number, then the CSV format by its
/// header. The parser goes on after errors so one report shows many; the caller decides what a file with errors
/// is worth (`MeterFileResult.report.isValid`). Rows with errors are never counted.
///
/// Memory grows with the number of distinct days, plus 8 bytes per meter-day for refusing repeats (see
/// `FingerprintSet`) and, for timestamped files, the meter-days gathered — never with the bytes of the file.
public final class MeterFileParser {
    private let output: ParseOutput
    private var scanner = RecordScanner()
    private var format: RecordFormat?
    private var sawHeader = false
    private var gzip: GzipInflater?
    /// The gzip stream or zip archive broke: what follows cannot be read.
    private var decompressionFailed = false
    private var zip: ZipReader?
    /// The format of the last file read (a zip archive holds several, one after another).
    private var lastFormat: MeterFileFormat?
    /// Data rows before the file being read (a zip member's count starts here).
    private var rowsBefore = 0
    /// The first bytes, held until there are two to compare with gzip's magic number.
    private var head: [UInt8] = []
    private var decided = false
    private var inputBytes = 0
    private var contentBytes = 0
    private let rangePlan: RangePlan?
    private var rangeStarts: [RangeStart] = []

    /// - Parameters:
    ///   - repeatCheck: `.detect` for a first pass; see `MeterFileReading` for the passes that follow.
    ///   - onMeterDay: called with each meter-day as soon as it is known, in file order (timestamped files: at the
    ///     end, by date then meter). Leave it nil when only totals are wanted: it costs a String and an array a row.
    ///   - rangePlan: where the file may be cut into ranges read apart (`MeterFileResult.rangeStarts`).
    public convenience init(
        rules: ValidationRules, repeatCheck: RepeatCheck = .detect, rangePlan: RangePlan? = nil,
        onMeterDay: ((MeterDay) -> Void)? = nil
    ) {
        self.init(
            rules: rules, repeatCheck: repeatCheck, repeatLimits: RepeatGuard.Limits(), rangePlan: rangePlan,
            onMeterDay: onMeterDay)
    }

    /// With repeat limits of another size (tests use a tiny one to exercise the filter).
    init(
        rules: ValidationRules, repeatCheck: RepeatCheck, repeatLimits: RepeatGuard.Limits, rangePlan: RangePlan? = nil,
        onMeterDay: ((MeterDay) -> Void)?
    ) {
        self.rangePlan = rangePlan
        output = ParseOutput(
            rules: rules, repeatCheck: repeatCheck, repeatGuard: RepeatGuard(limits: repeatLimits),
            onMeterDay: onMeterDay)
    }

    /// Feeds the next bytes of the file.
    public func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        inputBytes += bytes.count
        guard decided else {
            head.append(contentsOf: bytes)
            if head.count >= 4 { decide() }
            return
        }
        route(bytes)
    }

    public func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { feed($0) }
    }

    /// For a range of a file read apart (`MeterFileResult.rangeStarts`): after the file's header record has been
    /// fed, the bytes fed next begin at `start`, so rows are numbered from its line on.
    public func continueAt(_ start: RangeStart) {
        scanner.continueAt(line: start.line)
    }

    /// Ends the file and returns what it held.
    public func finish() -> MeterFileResult {
        if !decided { decide() }
        if let gzip, !decompressionFailed {
            do throws(GzipInflater.Failure) {
                try gzip.finish()
            } catch {
                output.fail(.gzipTruncated, line: scanner.nextLine, column: nil, "the gzip stream ends early")
            }
        }
        if let zip, !decompressionFailed {
            do throws(ZipReader.Failure) {
                try zip.finish()
            } catch {
                zipFailed(error)
            }
        }
        // After a gzip failure the last record was cut by the failure, not by the file: it is not a row. A zip
        // archive's files are ended member by member.
        if zip == nil { endFile(complete: !decompressionFailed) }
        output.finishRows()
        output.refuseUnconfirmableRepeats()
        return MeterFileResult(
            totals: output.totals, report: output.report, repeatsToConfirm: output.repeatsToConfirm,
            format: lastFormat,
            lines: scanner.lineCount, rows: output.dataRows, inputBytes: inputBytes, contentBytes: contentBytes,
            rangeStarts: gzip == nil && zip == nil && lastFormat?.isOneMeterDayARow == true ? rangeStarts : [])
    }

    /// The end of one file (the whole content, or one zip member): its last record, its format's own end, and
    /// whether it held a header and rows.
    private func endFile(complete: Bool) {
        if complete { scanner.finish(handle) }
        format?.finish(into: output)
        lastFormat = format?.format ?? lastFormat
        if !sawHeader && complete {
            output.fail(.missingHeader, line: 0, column: nil, "the file is empty")
        } else if format != nil && output.dataRows == rowsBefore {
            output.fail(.noRows, line: 0, column: nil, "the file has a header but no rows")
        }
    }

    /// Each member of a zip archive is read as a file of its own.
    private func zipEvent(_ event: ZipReader.Event) {
        switch event {
        case .memberStart(let name):
            output.member = name
            scanner = RecordScanner()
            format = nil
            sawHeader = false
            rowsBefore = output.dataRows
        case .bytes(let bytes):
            scan(bytes)
        case .memberEnd:
            endFile(complete: true)
        }
    }

    private func zipFailed(_ error: ZipReader.Failure) {
        decompressionFailed = true
        let line = scanner.nextLine
        switch error {
        case .corrupt(let message):
            output.fail(.zipCorrupt, line: line, column: nil, "the zip archive is corrupt: \(message)")
        case .truncated:
            output.fail(.zipTruncated, line: line, column: nil, "the zip archive ends inside a member")
        case .unsupported(let message):
            output.fail(.zipUnsupported, line: line, column: nil, "a zip archive this reader cannot read: \(message)")
        case .tooLarge, .ratio:
            output.fail(
                .zipTooLarge, line: line, column: nil,
                "the zip archive inflates past \(output.rules.maxInflatedBytes) bytes or "
                    + "\(output.rules.maxInflationRatio) times its size")
        }
    }

    private func decide() {
        decided = true
        if head.count >= 4 && head[0..<4] == [0x50, 0x4B, 0x03, 0x04] {
            zip = ZipReader(maxOutputBytes: output.rules.maxInflatedBytes, maxRatio: output.rules.maxInflationRatio)
        } else if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B {
            gzip = GzipInflater(maxOutputBytes: output.rules.maxInflatedBytes, maxRatio: output.rules.maxInflationRatio)
        }
        let first = head
        head = []
        first.withUnsafeBufferPointer { route($0) }
    }

    private func route(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let zip {
            guard !decompressionFailed else { return }
            do throws(ZipReader.Failure) {
                try zip.read(bytes) { zipEvent($0) }
            } catch {
                zipFailed(error)
            }
            return
        }
        guard let gzip else { return scan(bytes) }
        guard !decompressionFailed else { return }
        do throws(GzipInflater.Failure) {
            try gzip.inflate(bytes) { scan($0) }
        } catch {
            decompressionFailed = true
            let rules = output.rules
            switch error {
            case .tooLarge:
                output.fail(
                    .gzipTooLarge, line: scanner.nextLine, column: nil,
                    "the gzip stream inflates past \(rules.maxInflatedBytes) bytes")
            case .ratio:
                output.fail(
                    .gzipRatio, line: scanner.nextLine, column: nil,
                    "the gzip stream inflates more than \(rules.maxInflationRatio) times its size (a gzip bomb?)")
            case .corrupt(let message):
                output.fail(.gzipCorrupt, line: scanner.nextLine, column: nil, "the gzip stream is corrupt: \(message)")
            case .truncated:
                output.fail(.gzipCorrupt, line: scanner.nextLine, column: nil, "the gzip stream is corrupt: truncated")
            }
        }
    }

    private func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        contentBytes += bytes.count
        scanner.scan(bytes, handle)
    }

    private func handle(_ event: RecordScanner.Event) {
        switch event {
        case .record(let record, let line, let offset):
            if let format {
                if let rangePlan {
                    planRange(rangePlan, at: RangeStart(offset: offset, line: line, meterDay: output.dataRows))
                }
                output.dataRows += 1
                format.consume(record, line: line, into: output)
            } else if !sawHeader {
                sawHeader = true
                format = RecordFormats.detect(header: Self.withoutBOM(record), line: line, into: output)
            }
        // With no usable header, the rows cannot be read: the header's errors say why.
        case .tooLong(let line):
            if sawHeader && format == nil { return }
            if !sawHeader { sawHeader = true }
            output.fail(
                .recordTooLong, line: line, column: nil,
                "a record longer than \(RecordScanner.maxRecordBytes) bytes (an unclosed quote?)")
        case .unterminatedQuote(let line):
            if sawHeader && format == nil { return }
            output.fail(.unterminatedQuote, line: line, column: nil, "a quoted field runs to the end of the file")
        }
    }

    /// A range may start at a data row whose index is a multiple of the plan's alignment, once the last range is
    /// at least the plan's size. In a valid wide or daily-values file a data row is a meter-day.
    private func planRange(_ plan: RangePlan, at start: RangeStart) {
        guard start.meterDay % plan.alignment == 0 else { return }
        if let last = rangeStarts.last, start.offset - last.offset < plan.bytes { return }
        rangeStarts.append(start)
    }

    private static func withoutBOM(_ record: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard record.count >= 3, record[0] == 0xEF, record[1] == 0xBB, record[2] == 0xBF else { return record }
        return UnsafeBufferPointer(rebasing: record[3...])
    }
}

/// What one file held.
public struct MeterFileResult: Sendable {
    public var totals: DailyTotals
    public var report: ValidationReport
    /// Set after a first pass that met possibly repeated keys: the result is provisional until a second pass
    /// with `.confirm(repeatsToConfirm)` over the same bytes says whether they repeat.
    public var repeatsToConfirm: RepeatConfirmation?
    /// Nil when the header could not be read.
    public var format: MeterFileFormat?
    public var lines: Int
    /// Data records after the header, counted or not.
    public var rows: Int
    /// Bytes as fed (compressed, for gzip).
    public var inputBytes: Int
    /// Bytes of CSV text (after inflating).
    public var contentBytes: Int
    /// With a `RangePlan`, where ranges of the file begin (the first at the first data row; each ends where the next
    /// begins, the last at the end of the file). Empty for a gzip file (it cannot be entered in the middle) and for
    /// a timestamped one (a meter-day's rows may be anywhere).
    public var rangeStarts: [RangeStart] = []

    /// Valid and final: no errors, and no repeat left to confirm.
    public var isValid: Bool { report.isValid && repeatsToConfirm == nil }
}

/// How to cut a file into ranges that can be read apart: ranges of at least `bytes`, each starting at a data row
/// whose index is a multiple of `alignment` (so each range's meter-days start at such a multiple).
public struct RangePlan: Sendable, Equatable {
    public var bytes: Int
    public var alignment: Int

    public init(bytes: Int, alignment: Int) {
        self.bytes = bytes
        self.alignment = alignment
    }
}

/// Where a range of a file begins: the byte offset of its first record, that record's line, and the index of its
/// first data row (its first meter-day) in the file.
public struct RangeStart: Sendable, Equatable {
    public var offset: Int
    public var line: Int
    public var meterDay: Int

    public init(offset: Int, line: Int, meterDay: Int) {
        self.offset = offset
        self.line = line
        self.meterDay = meterDay
    }
}
