import ArgumentParser
import ConsumptionCore
import Glibc

/// A file that cannot be opened or read.
struct FileError: Error, CustomStringConvertible {
    let description: String

    init(_ action: String, _ path: String) {
        description = "cannot \(action) \(path): \(String(cString: strerror(errno)))"
    }
}

/// Reads a file (or standard input, for `-`) through every pass `MeterFileReading` asks for, in 1 MiB reads.
/// Standard input cannot be read twice, so the first pass copies it to an unlinked temporary file.
enum FileReader {
    static let chunkSize = 1 << 20

    static func read(
        _ path: String, rules: ValidationRules, rangePlan: RangePlan? = nil, onMeterDay: ((MeterDay) -> Void)? = nil
    ) throws(FileError) -> MeterFileResult {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        var spool: Int32 = -1
        defer { if spool >= 0 { close(spool) } }
        var passes = 0
        return try MeterFileReading.read(rules: rules, rangePlan: rangePlan, onMeterDay: onMeterDay) {
            parser throws(FileError) in
            defer { passes += 1 }
            if path != "-" {
                let descriptor = open(path, O_RDONLY)
                guard descriptor >= 0 else { throw FileError("open", path) }
                defer { close(descriptor) }
                try feed(parser, from: descriptor, path: path, buffer: buffer, copyTo: -1)
            } else if passes == 0 {
                spool = try temporaryFile()
                try feed(parser, from: STDIN_FILENO, path: "standard input", buffer: buffer, copyTo: spool)
            } else {
                guard lseek(spool, 0, SEEK_SET) == 0 else { throw FileError("rewind", "the copy of standard input") }
                try feed(parser, from: spool, path: "the copy of standard input", buffer: buffer, copyTo: -1)
            }
        }
    }

    private static func feed(
        _ parser: MeterFileParser, from descriptor: Int32, path: String, buffer: UnsafeMutableBufferPointer<UInt8>,
        copyTo copy: Int32
    ) throws(FileError) {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw FileError("read", path) }
            if count == 0 { return }
            let chunk = UnsafeBufferPointer(rebasing: buffer[0..<count])
            if copy >= 0 { try writeAll(chunk, to: copy) }
            parser.feed(chunk)
        }
    }

    private static func temporaryFile() throws(FileError) -> Int32 {
        var template = Array("/tmp/consumption-stdin-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { name in
            guard let path = name.baseAddress else { return Int32(-1) }
            let descriptor = mkstemp(path)
            if descriptor >= 0 { unlink(path) }  // the file lives while it is open, and no longer
            return descriptor
        }
        guard descriptor >= 0 else { throw FileError("create", "a temporary file") }
        return descriptor
    }

    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw FileError("write", "the copy of standard input") }
            offset += written
        }
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    var line = text
    line.append("\n")
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}
