/// Cuts a byte stream, fed in chunks of any size, into CSV records (RFC 4180: a newline inside quotes belongs to
/// the field). A record that straddles chunks is carried over; nothing else is copied.
///
/// Memory is bounded: a record longer than `maxRecordBytes` (an unterminated quote swallows the rest of the file)
/// is reported and skipped instead of being buffered.
struct RecordScanner {
    static let maxRecordBytes = 65_536

    enum Event {
        /// A record without its line terminator (a trailing CR is removed), the line it starts on, and the offset
        /// of its first byte in the stream.
        case record(UnsafeBufferPointer<UInt8>, line: Int, offset: Int)
        case tooLong(line: Int)
        case unterminatedQuote(line: Int)
    }

    /// The line the next record starts on.
    private(set) var nextLine = 1
    private var carry: [UInt8] = []
    private var pending = false
    private var insideQuotes = false
    private var newlinesInPending = 0
    private var skipping = false
    /// Bytes scanned before the current chunk, and where the record being carried over began.
    private var scanned = 0
    private var carryStart = 0

    /// Lines seen so far, counting a last line without a newline.
    var lineCount: Int { nextLine - 1 + (pending || skipping ? 1 : 0) }

    mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) {
        let base = scanned
        scanned += chunk.count
        var start = 0
        if pending || skipping {
            guard
                let end = Self.findRecordEnd(chunk, from: 0, insideQuotes: &insideQuotes, newlines: &newlinesInPending)
            else {
                if !skipping { carryOver(chunk, from: 0, handle) }
                return
            }
            if !skipping {
                if carry.count + end > Self.maxRecordBytes {
                    handle(.tooLong(line: nextLine))
                } else {
                    carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<end]))
                    let offset = carryStart
                    carry.withUnsafeBufferPointer { emit($0, offset: offset, handle) }
                }
            }
            finishRecord()
            start = end + 1
        }
        while start < chunk.count {
            guard
                let end = Self.findRecordEnd(
                    chunk, from: start, insideQuotes: &insideQuotes, newlines: &newlinesInPending)
            else {
                carryStart = base + start
                carryOver(chunk, from: start, handle)
                return
            }
            if end - start > Self.maxRecordBytes {
                handle(.tooLong(line: nextLine))
            } else {
                emit(UnsafeBufferPointer(rebasing: chunk[start..<end]), offset: base + start, handle)
            }
            finishRecord()
            start = end + 1
        }
    }

    /// Hands over the last record when the stream did not end with a newline.
    mutating func finish(_ handle: (Event) -> Void) {
        if pending && !skipping {
            if insideQuotes {
                handle(.unterminatedQuote(line: nextLine))
            } else {
                let offset = carryStart
                carry.withUnsafeBufferPointer { emit($0, offset: offset, handle) }
            }
        }
        if pending || skipping { finishRecord() }
    }

    private mutating func carryOver(_ chunk: UnsafeBufferPointer<UInt8>, from start: Int, _ handle: (Event) -> Void) {
        pending = true
        if carry.count + chunk.count - start > Self.maxRecordBytes {
            handle(.tooLong(line: nextLine))
            skipping = true
            carry.removeAll()
        } else {
            carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start...]))
        }
    }

    private mutating func finishRecord() {
        nextLine += newlinesInPending + 1
        newlinesInPending = 0
        pending = false
        skipping = false
        insideQuotes = false
        carry.removeAll(keepingCapacity: true)
    }

    /// Blank lines carry no record.
    private func emit(_ record: UnsafeBufferPointer<UInt8>, offset: Int, _ handle: (Event) -> Void) {
        var count = record.count
        if count > 0 && record[count - 1] == UInt8(ascii: "\r") { count -= 1 }
        guard count > 0 else { return }
        handle(.record(UnsafeBufferPointer(rebasing: record[0..<count]), line: nextLine, offset: offset))
    }

    /// Numbers the next record's line as `line`: for a stream that starts at a record in the middle of a file.
    mutating func continueAt(line: Int) {
        nextLine = line
    }

    /// The index of the newline that ends the record, or nil when the chunk ends first. Quote state and the
    /// newlines passed inside quotes carry over between calls.
    @inline(__always)
    static func findRecordEnd(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, insideQuotes: inout Bool, newlines: inout Int
    ) -> Int? {
        var index = start
        let count = bytes.count
        while index < count {
            if insideQuotes {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    insideQuotes = false
                } else if byte == UInt8(ascii: "\n") {
                    newlines += 1
                }
                index += 1
                continue
            }
            index = ByteSearch.firstNewlineOrQuote(bytes, from: index)
            if index == count { return nil }
            if bytes[index] == UInt8(ascii: "\n") { return index }
            insideQuotes = true
            index += 1
        }
        return nil
    }
}
