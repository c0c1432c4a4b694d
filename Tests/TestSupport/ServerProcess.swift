import Foundation

/// A helper server run as a child process for a test: started with a free port it reports on its first line of
/// output, and stopped by its PID when the test is done (or when the value is released).
public final class ServerProcess: @unchecked Sendable {
    public let port: Int
    private let process: Process

    /// Starts `arguments[0]` with the rest as its arguments, from the repository root, and waits (at most
    /// `startTimeout` seconds) for the port on its first line.
    public init(_ arguments: [String], environment: [String: String] = [:], startTimeout: Double = 20) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        self.process = process
        let firstLine = try Self.readLine(output.fileHandleForReading, timeout: startTimeout)
        guard let port = Int(firstLine.trimmingCharacters(in: .whitespaces)) else {
            process.terminate()
            throw ServerProcessError.noPort(arguments.joined(separator: " "), firstLine)
        }
        self.port = port
    }

    deinit {
        stop()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Stops the server by its PID: SIGTERM, then SIGKILL after two seconds, waiting at most five in all (a
    /// bounded wait, never an unbounded `waitUntilExit`).
    public func stop() {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        let start = Date()
        while process.isRunning && Date().timeIntervalSince(start) < 5 {
            if Date().timeIntervalSince(start) > 2 { kill(pid, SIGKILL) }
            usleep(10_000)
        }
    }

    private static func readLine(_ handle: FileHandle, timeout: Double) throws -> String {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var pollDescriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&pollDescriptor, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(handle.fileDescriptor, &byte, 1) == 1 else { break }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        throw ServerProcessError.noPort("server", String(decoding: bytes, as: UTF8.self))
    }
}

public enum ServerProcessError: Error, CustomStringConvertible {
    case noPort(String, String)

    public var description: String {
        switch self {
        case .noPort(let command, let line): return "\(command) did not report a port (got '\(line)')"
        }
    }
}

/// The repository's root folder.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The Python the tests' helper servers run with: the project's virtualenv when there is one.
public let testPython: String = {
    let venv = repositoryRoot.appendingPathComponent(".venv/bin/python").path
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
}()
