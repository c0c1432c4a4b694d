import ArgumentParser
import ConsumptionCore
import Glibc

/// Feeds a file (or standard input for `-`) to a parser in 1 MiB reads.
enum FileReader {
    static let chunkSize = 1 << 20

    static func parse(_ path: String, rules: ValidationRules, onMeterDay: ((MeterDay) -> Void)? = nil) throws
        -> MeterFileResult
    {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        let parser = MeterFileParser(rules: rules, onMeterDay: onMeterDay)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunkSize)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ValidationError("cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            parser.feed(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
        return parser.finish()
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    var line = text
    line.append("\n")
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}
