/// A way of reading the records that follow a header. Each format is chosen from the file's first record (a CSV
/// header, or NEM12's 100 record), with the scanner, gzip, validation and totals shared.
protocol RecordFormat: AnyObject {
    var format: MeterFileFormat { get }
    /// Reads one record (never the header).
    func consume(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput)
    /// Called once after the last record, for formats that gather rows before counting them.
    func finish(into output: ParseOutput)
}

enum RecordFormats {
    /// The delimiters a header may use, most likely first.
    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]

    /// Chooses the format from the first record, or records why none fits and returns nil.
    static func detect(header: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) -> RecordFormat? {
        switch NEM12Format.detect(header, line: line, into: output) {
        case .nem12(let format): return format
        case .refused: return nil
        case .notNEM12: break
        }
        let delimiter = self.delimiter(of: header)
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: header.count)
        defer { scratch.deallocate() }
        var cursor = FieldCursor(record: header, delimiter: delimiter, scratch: scratch)
        var names: [String] = []
        while !cursor.isAtEnd {
            switch cursor.next() {
            case .text(let bytes):
                // Quoted or not, spaces around a header name are not part of it.
                let name = FieldCursor.trimmingSpaces(bytes, 0, bytes.count)
                names.append(String(decoding: name, as: UTF8.self))
            case .malformed(let bytes):
                output.fail(
                    .malformedQuotes, line: line, column: nil, field: bytes,
                    "a quoted header name must end with its quote")
                return nil
            }
        }
        switch HeaderLayout.parse(names: names) {
        case .failure(let problems):
            for problem in problems.all {
                output.fail(problem.code, line: line, column: problem.column, problem.message)
            }
            return nil
        case .success(let layout):
            output.unit = layout.valueUnit ?? output.rules.unit
            switch layout.format {
            case .wide: return WideFormat(layout: layout, delimiter: delimiter)
            case .dailyValues: return DailyValuesFormat(layout: layout, delimiter: delimiter)
            case .timestamped: return TimestampedFormat(layout: layout, delimiter: delimiter)
            case .nem12: preconditionFailure("a CSV header is never laid out as NEM12")
            }
        }
    }

    /// The delimiter that occurs most often in the header; a comma when none does (a one-column header).
    static func delimiter(of header: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var best = delimiters[0]
        var bestCount = 0
        for candidate in delimiters {
            let count = header.reduce(0) { $0 + ($1 == candidate ? 1 : 0) }
            if count > bestCount {
                best = candidate
                bestCount = count
            }
        }
        return best
    }
}

/// A scratch buffer for unescaping quoted fields, one per format, as large as the largest record.
final class FieldScratch {
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: RecordScanner.maxRecordBytes)
    deinit { buffer.deallocate() }
}
