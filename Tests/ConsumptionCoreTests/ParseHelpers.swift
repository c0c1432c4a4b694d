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
    var stream = z_stream()
    guard
        deflateInit2_(
            &stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
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
