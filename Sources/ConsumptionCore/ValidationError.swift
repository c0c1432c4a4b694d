/// Why a meter file, or one of its rows, was refused. The raw values are stable: reports, logs and docs/file-formats.md
/// quote them, so a value is never renamed.
public enum ValidationErrorCode: String, Sendable, CaseIterable, Codable {
    // The file as a whole.
    case missingHeader = "missing-header"
    case unknownColumn = "unknown-column"
    case missingColumn = "missing-column"
    case duplicateColumn = "duplicate-column"
    case intervalsIncomplete = "intervals-incomplete"
    case noRows = "no-rows"
    case gzipCorrupt = "gzip-corrupt"
    case gzipTruncated = "gzip-truncated"
    case gzipTooLarge = "gzip-too-large"
    case gzipRatio = "gzip-ratio"
    case zipCorrupt = "zip-corrupt"
    case zipTruncated = "zip-truncated"
    case zipUnsupported = "zip-unsupported"
    case zipTooLarge = "zip-too-large"
    case tooManyMeterDays = "too-many-meter-days"
    // The shape of a row.
    case columnCount = "column-count"
    case recordTooLong = "record-too-long"
    case unterminatedQuote = "unterminated-quote"
    case malformedQuotes = "malformed-quotes"
    // The meter id.
    case meterEmpty = "meter-empty"
    case meterTooLong = "meter-too-long"
    case meterControlCharacter = "meter-control-character"
    case meterInvalidUTF8 = "meter-invalid-utf8"
    // Dates and times.
    case invalidDate = "invalid-date"
    case dateOutOfRange = "date-out-of-range"
    case invalidTimestamp = "invalid-timestamp"
    case skippedLocalTime = "skipped-local-time"
    // Values.
    case invalidNumber = "invalid-number"
    case tooManyDecimals = "too-many-decimals"
    case negativeValue = "negative-value"
    case valueAboveCeiling = "value-above-ceiling"
    case unknownDirection = "unknown-direction"
    // Repeats.
    case duplicateMeterDay = "duplicate-meter-day"
    case duplicateReading = "duplicate-reading"
    case repeatCheckOverflow = "repeat-check-overflow"
    // NEM12 (AEMO's meter data file format).
    case nem12Header = "nem12-header"
    case nem12MissingHeader = "nem12-missing-header"
    case nem12MissingEnd = "nem12-missing-end"
    case nem12UnknownRecord = "nem12-unknown-record"
    case nem12RecordOrder = "nem12-record-order"
    case nem12FieldCount = "nem12-field-count"
    case nem12IntervalLength = "nem12-interval-length"
    case nem12Quality = "nem12-quality"
    case nem12EventRange = "nem12-event-range"
}

/// One refusal: what, where (line and column name), and a short excerpt of the offending field.
public struct ValidationError: Sendable, Equatable, Codable {
    public var code: ValidationErrorCode
    /// 1-based physical line where the record starts; 0 for the file as a whole.
    public var line: Int
    /// The header name of the column, or nil when the error is about a whole row or file.
    public var column: String?
    /// At most `maxExcerptBytes` of the field, with control characters shown as `?`.
    public var excerpt: String
    /// A sentence for people.
    public var message: String

    public init(code: ValidationErrorCode, line: Int, column: String?, excerpt: String, message: String) {
        self.code = code
        self.line = line
        self.column = column.map { Self.capped($0) }
        self.excerpt = excerpt
        self.message = Self.capped(message)
    }

    public static let maxExcerptBytes = 40
    /// A column name or a message quotes what the file holds (a header field may run to 64 KB): past this many
    /// bytes it is cut, so a report, a ledger summary or an API answer stays small whatever the file.
    public static let maxTextBytes = 200

    static func capped(_ text: String) -> String {
        guard text.utf8.count > maxTextBytes else { return text }
        var kept = ""
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += String(scalar).utf8.count
            if bytes > maxTextBytes - 3 { break }
            kept.unicodeScalars.append(scalar)
        }
        return kept + "..."
    }

    /// A printable excerpt of raw field bytes: truncated, never the whole line.
    static func excerpt(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> String {
        let stop = min(end, start + maxExcerptBytes)
        var cleaned = [UInt8]()
        cleaned.reserveCapacity(stop - start + 3)
        for index in start..<stop {
            let byte = bytes[index]
            cleaned.append(byte < 0x20 || byte == 0x7F ? UInt8(ascii: "?") : byte)
        }
        if end > stop { cleaned.append(contentsOf: "...".utf8) }
        return String(decoding: cleaned, as: UTF8.self)
    }
}
