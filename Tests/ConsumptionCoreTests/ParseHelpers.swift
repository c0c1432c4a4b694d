import CZlib
import ConsumptionCore

/// The rules every test uses: a fixed "today" so the date window never moves under a test.
let testRules = ValidationRules(today: CalendarDate(year: 2026, month: 1, day: 1)!)

/// What a parse gave: the result and every meter-day handed to the sink, in order.
struct Parsed {
    let result: MeterFileResult
    let meterDays: [MeterDay]

    var totals: [String: String] {
        Dictionary(uniqueKeysWithValues: result.totals.byDate.map { ($0.key.description, $0.value.total.description) })
    }

    var codes: [ValidationErrorCode] { result.report.errors.map(\.code) }
    var errors: [ValidationError] { result.report.errors }
}

/// Parses `bytes` fed in chunks of `chunkSize`, collecting meter-days — a second time, confirming, when the first
/// pass leaves repeats to confirm — so rows of invalid files are seen too (`MeterFileReading` would hide them).
func parse(_ bytes: [UInt8], rules: ValidationRules = testRules, chunkSize: Int = 1 << 20) -> Parsed {
    var parsed = pass(bytes, rules: rules, chunkSize: chunkSize, check: .detect)
    if let suspects = parsed.result.repeatsToConfirm {
        parsed = pass(bytes, rules: rules, chunkSize: chunkSize, check: .confirm(suspects))
    }
    return parsed
}

func pass(_ bytes: [UInt8], rules: ValidationRules = testRules, chunkSize: Int = 1 << 20, check: RepeatCheck) -> Parsed
{
    var meterDays: [MeterDay] = []
    let parser = MeterFileParser(rules: rules, repeatCheck: check) { meterDays.append($0) }
    feed(bytes, to: parser, chunkSize: chunkSize)
    return Parsed(result: parser.finish(), meterDays: meterDays)
}

func feed(_ bytes: [UInt8], to parser: MeterFileParser, chunkSize: Int) {
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + chunkSize)
        parser.feed(Array(bytes[start..<end]))
        start = end
    }
}

func parse(_ text: String, rules: ValidationRules = testRules, chunkSize: Int = 1 << 20) -> Parsed {
    parse(Array(text.utf8), rules: rules, chunkSize: chunkSize)
}

/// A wide header with `count` interval columns labelled by their start (`0:00`, `0:30`, ...).
func wideHeader(_ count: Int = 48, meter: String = "Meter", date: String = "Date") -> String {
    let step = 1440 / count
    let labels = (0..<count).map { index -> String in
        let minute = index * step
        return "\(minute / 60):" + (minute % 60 < 10 ? "0" : "") + "\(minute % 60)"
    }
    return ([meter, date] + labels).joined(separator: ",")
}

/// A wide row whose intervals all hold `value`.
func wideRow(_ meter: String, _ date: String, _ value: String, count: Int = 48) -> String {
    ([meter, date] + Array(repeating: value, count: count)).joined(separator: ",")
}

/// gzip-compresses `bytes` with zlib (window bits 31: gzip wrapper).
func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    deflated(bytes, windowBits: 31)
}

/// A zip archive of `members` as zip(1) or a streaming writer makes one: local headers, the data (raw deflate, or
/// stored), with the sizes after the data in a descriptor when `descriptor`, then a central directory (which the
/// reader does not need: written short, a signature and nothing more).
func zipped(_ members: [(name: String, bytes: [UInt8])], deflate: Bool = true, descriptor: Bool = false) -> [UInt8] {
    func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
    var archive: [UInt8] = []
    for member in members {
        let data = deflate ? deflated(member.bytes, windowBits: -15) : member.bytes
        let crc = UInt32(member.bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) })
        let name = Array(member.name.utf8)
        let sizes =
            descriptor
            ? le32(0) + le32(0) + le32(0) : le32(crc) + le32(UInt32(data.count)) + le32(UInt32(member.bytes.count))
        archive += le32(0x0403_4B50) + le16(20) + le16(descriptor ? 8 : 0) + le16(deflate ? 8 : 0) + le16(0) + le16(0)
        archive += sizes + le16(name.count) + le16(0) + name + data
        if descriptor {
            archive += le32(0x0807_4B50) + le32(crc) + le32(UInt32(data.count)) + le32(UInt32(member.bytes.count))
        }
    }
    return archive + le32(0x0201_4B50)
}

private func deflated(_ bytes: [UInt8], windowBits: Int32) -> [UInt8] {
    var stream = z_stream()
    guard
        deflateInit2_(
            &stream, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { return [] }
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
    let produced = input.withUnsafeMutableBufferPointer { inputBuffer in
        output.withUnsafeMutableBufferPointer { outputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            stream.next_out = outputBuffer.baseAddress
            stream.avail_out = UInt32(outputBuffer.count)
            _ = deflate(&stream, Z_FINISH)
            return outputBuffer.count - Int(stream.avail_out)
        }
    }
    return Array(output[0..<produced])
}
