/// Walks the fields of one CSV record in order. Unquoted fields are handed out in place, trimmed of spaces;
/// quoted fields are unescaped (`""` becomes `"`) into a scratch buffer owned by the caller.
struct FieldCursor {
    enum Field {
        case text(UnsafeBufferPointer<UInt8>)
        /// A quote that does not close the field, or text after a closing quote; the range is the raw field.
        case malformed(UnsafeBufferPointer<UInt8>)
    }

    let record: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    /// Where the next field starts; past the end once the last field has been read.
    var position = 0
    private let scratch: UnsafeMutableBufferPointer<UInt8>
    private var scratchUsed = 0

    /// `scratch` must hold at least `record.count` bytes.
    init(record: UnsafeBufferPointer<UInt8>, delimiter: UInt8, scratch: UnsafeMutableBufferPointer<UInt8>) {
        self.record = record
        self.delimiter = delimiter
        self.scratch = scratch
    }

    var isAtEnd: Bool { position > record.count }

    /// The next field; call only while `!isAtEnd`.
    mutating func next() -> Field {
        let start = position
        if start < record.count && record[start] == UInt8(ascii: "\"") { return nextQuoted(from: start) }
        var end = start
        while end < record.count && record[end] != delimiter { end += 1 }
        position = end + 1
        return .text(Self.trimmingSpaces(record, start, end))
    }

    /// Skips the field the caller has read by itself, from `position` to `end` (a delimiter or the record's end).
    mutating func advance(pastFieldEndingAt end: Int) {
        position = end + 1
    }

    /// Fields left, counted without reading them (for column-count errors).
    func remainingFieldCount() -> Int {
        guard !isAtEnd else { return 0 }
        var count = 1
        var insideQuotes = false
        for index in position..<record.count {
            let byte = record[index]
            if byte == UInt8(ascii: "\"") {
                insideQuotes.toggle()
            } else if byte == delimiter && !insideQuotes {
                count += 1
            }
        }
        return count
    }

    private mutating func nextQuoted(from start: Int) -> Field {
        let outputStart = scratchUsed
        var index = start + 1
        while index < record.count {
            let byte = record[index]
            if byte == UInt8(ascii: "\"") {
                if index + 1 < record.count && record[index + 1] == UInt8(ascii: "\"") {
                    scratch[scratchUsed] = byte
                    scratchUsed += 1
                    index += 2
                    continue
                }
                // The closing quote must end the field.
                let after = index + 1
                guard after == record.count || record[after] == delimiter else { return malformed(from: start) }
                position = after + 1
                return .text(UnsafeBufferPointer(rebasing: scratch[outputStart..<scratchUsed]))
            }
            scratch[scratchUsed] = byte
            scratchUsed += 1
            index += 1
        }
        return malformed(from: start)
    }

    private mutating func malformed(from start: Int) -> Field {
        var end = start + 1
        var insideQuotes = true
        while end < record.count && (insideQuotes || record[end] != delimiter) {
            if record[end] == UInt8(ascii: "\"") { insideQuotes.toggle() }
            end += 1
        }
        position = end + 1
        return .malformed(UnsafeBufferPointer(rebasing: record[start..<end]))
    }

    static func trimmingSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UnsafeBufferPointer<
        UInt8
    > {
        var low = start
        var high = end
        while low < high && bytes[low] == UInt8(ascii: " ") { low += 1 }
        while high > low && bytes[high - 1] == UInt8(ascii: " ") { high -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[low..<high])
    }
}
