import Foundation

// local-lambda: the project's Lambda Runtime API emulator. Runs a real `bootstrap` binary as Lambda does and feeds
// it events; see docs/ingest-design.md ("Local stand-ins").
//
//   local-lambda --bootstrap PATH [--timeout-ms 3000] [--env NAME=VALUE ...] [--max-seconds 600]
//
// Prints its port on the first line, then serves the Runtime API for the bootstrap and a control API:
// POST /invoke (body = event, optional X-Trace-Id) -> {outcome, body, errorType, errorMessage, durationMs, initMs},
// GET /stats, POST /stop.

var bootstrap = ""
var timeoutMilliseconds = 3000
var maxSeconds = 600.0
var environment: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--bootstrap": bootstrap = arguments.next() ?? ""
    case "--timeout-ms": timeoutMilliseconds = Int(arguments.next() ?? "") ?? timeoutMilliseconds
    case "--max-seconds": maxSeconds = Double(arguments.next() ?? "") ?? maxSeconds
    case "--env":
        let pair = (arguments.next() ?? "").split(separator: "=", maxSplits: 1).map(String.init)
        if pair.count == 2 { environment[pair[0]] = pair[1] }
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}
guard FileManager.default.isExecutableFile(atPath: bootstrap) else {
    FileHandle.standardError.write(Data("--bootstrap must name an executable file\n".utf8))
    exit(2)
}

let host = FunctionHost(bootstrap: bootstrap, environment: environment, timeoutMilliseconds: timeoutMilliseconds)
let server = try HTTPServer { request in Routes.answer(request, host: host) }
host.port = server.port
signal(SIGPIPE, SIG_IGN)
// SIGTERM and SIGINT are taken by one thread with sigwait, outside any signal handler, so stopping can kill the
// bootstrap's process group safely. They are blocked before any other thread starts, so every thread inherits that.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
let waitedSignals = stopSignals
Thread.detachNewThread {
    var signals = waitedSignals
    var received: Int32 = 0
    sigwait(&signals, &received)
    host.stop()
    exit(0)
}
atexit { host.stop() }
// Stops by itself after --max-seconds, should its parent forget it.
let lifetime = maxSeconds
Thread.detachNewThread {
    Thread.sleep(forTimeInterval: lifetime)
    exit(0)
}
FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
server.serve()
