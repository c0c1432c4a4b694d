import Foundation

/// One invocation on its way through the emulator.
final class Invocation: @unchecked Sendable {
    let id = UUID().uuidString.lowercased()
    let event: [UInt8]
    let traceID: String
    var deadlineMilliseconds = 0
    var handedOutAt: Double?
    var result: [String: Any]?

    init(event: [UInt8], traceID: String?) {
        self.event = event
        let unique = UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(24)
        self.traceID = traceID ?? "Root=1-\(String(Int(Date().timeIntervalSince1970), radix: 16))-\(unique);Sampled=0"
    }
}

/// The bootstrap process and the invocations waiting for it, as Lambda runs one execution environment: events
/// handed out one at a time, up to 10 s to start, the function's timeout from hand-out, and a killed and fresh
/// process after a timeout or a crash.
final class FunctionHost: @unchecked Sendable {
    let bootstrap: String
    let environment: [String: String]
    let timeoutMilliseconds: Int
    var port = 0

    private let condition = NSCondition()
    private let invokeLock = NSLock()
    private var process: pid_t = 0
    private var generation = 0
    private var pending: [Invocation] = []
    private var inFlight: [String: Invocation] = [:]
    private var spawnedAt = 0.0
    private var polled = false
    private var initError: [String: Any]?
    private(set) var initMilliseconds: [Double] = []
    private(set) var invocations = 0

    init(bootstrap: String, environment: [String: String], timeoutMilliseconds: Int) {
        self.bootstrap = bootstrap
        self.environment = environment
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    // MARK: The control side

    func invoke(event: [UInt8], traceID: String?) -> [String: Any] {
        invokeLock.lock()
        defer { invokeLock.unlock() }
        condition.lock()
        defer { condition.unlock() }
        if !isRunning() { start() }
        let invocation = Invocation(event: event, traceID: traceID)
        pending.append(invocation)
        condition.broadcast()
        let startBy = Date().addingTimeInterval(10)
        while invocation.handedOutAt == nil {
            if let problem = problem() { return abandon(invocation, problem) }
            if Date() > startBy { return abandon(invocation, ["outcome": "init-timeout"]) }
            _ = condition.wait(until: Date().addingTimeInterval(0.01))
        }
        let finishBy = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1000)
        while invocation.result == nil {
            if let problem = problem() { return abandon(invocation, problem) }
            if Date() > finishBy {
                return abandon(invocation, ["outcome": "timeout", "durationMs": timeoutMilliseconds])
            }
            _ = condition.wait(until: Date().addingTimeInterval(0.01))
        }
        invocations += 1
        return invocation.result ?? [:]
    }

    func stop() {
        condition.lock()
        defer { condition.unlock() }
        kill()
    }

    var stats: [String: Any] {
        condition.lock()
        defer { condition.unlock() }
        // The bootstrap's pid lets a test kill it at a moment of its choosing, as a crash would.
        return [
            "starts": initMilliseconds.count, "initMs": initMilliseconds, "invocations": invocations,
            "pid": Int(process),
        ]
    }

    // MARK: The Runtime API side

    /// Blocks until there is an invocation for the process that asked; nil for a poll left over from a killed one.
    func next() -> Invocation? {
        condition.lock()
        defer { condition.unlock() }
        let asker = generation
        if !polled {
            polled = true
            initMilliseconds.append(((Self.now() - spawnedAt) * 1000 * 1000).rounded() / 1000)
            condition.broadcast()
        }
        while pending.isEmpty || asker != generation {
            if asker != generation { return nil }
            condition.wait()
        }
        let invocation = pending.removeFirst()
        invocation.handedOutAt = Self.now()
        invocation.deadlineMilliseconds = Int(Date().timeIntervalSince1970 * 1000) + timeoutMilliseconds
        inFlight[invocation.id] = invocation
        condition.broadcast()
        return invocation
    }

    /// Records the answer to an invocation; false for an unknown or expired request id.
    func complete(_ requestID: String, _ result: [String: Any]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let invocation = inFlight.removeValue(forKey: requestID) else { return false }
        var answer = result
        answer["durationMs"] = ((Self.now() - (invocation.handedOutAt ?? Self.now())) * 1000 * 1000).rounded() / 1000
        answer["initMs"] = initMilliseconds.last
        invocation.result = answer
        condition.broadcast()
        return true
    }

    func failInit(_ error: [String: Any]) {
        condition.lock()
        defer { condition.unlock() }
        initError = error
        condition.broadcast()
    }

    // MARK: The process (called with the condition's lock held)

    private func start() {
        var variables = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(port)", "AWS_LAMBDA_FUNCTION_NAME": "local",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_REGION": "us-east-1", "_HANDLER": "bootstrap", "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": (bootstrap as NSString).deletingLastPathComponent,
        ]
        variables.merge(environment) { _, new in new }
        generation += 1
        pending = []
        polled = false
        initError = nil
        spawnedAt = Self.now()
        process = Self.spawn(bootstrap, variables)
    }

    private func isRunning() -> Bool {
        guard process > 0 else { return false }
        var status: Int32 = 0
        if waitpid(process, &status, WNOHANG) == process {
            process = 0
            return false
        }
        return true
    }

    private func problem() -> [String: Any]? {
        if let initError { return ["outcome": "init-error"].merging(initError) { old, _ in old } }
        if !isRunning() { return ["outcome": "crashed"] }
        return nil
    }

    private func abandon(_ invocation: Invocation, _ outcome: [String: Any]) -> [String: Any] {
        pending.removeAll { $0 === invocation }
        inFlight.removeValue(forKey: invocation.id)
        kill()  // Lambda discards an environment that timed out or failed
        return outcome
    }

    /// Kills the bootstrap and everything it started (its process group).
    private func kill() {
        guard process > 0 else { return }
        Foundation.kill(-process, SIGKILL)
        var status: Int32 = 0
        waitpid(process, &status, 0)
        process = 0
        generation += 1
        condition.broadcast()
    }

    /// posix_spawn in a process group of its own, standard output to our standard error (ours carries the port).
    private static func spawn(_ path: String, _ variables: [String: String]) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, &attributes, arguments, environment) == 0 else { return 0 }
        return pid
    }
}
