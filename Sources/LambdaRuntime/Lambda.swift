import CSystem
import CurlHTTP

/// A handler: an invocation's event bytes in, response bytes out. Throwing reports the error to Lambda; the loop
/// goes on with the next invocation.
public typealias LambdaHandler = (LambdaContext, [UInt8]) throws -> [UInt8]

/// The runtime: a blocking `next -> handle -> respond` loop. Lambda hands out one invocation at a time, so there is
/// nothing to schedule and no event loop to run.
public enum Lambda {
    /// The largest response Lambda accepts (6 MB).
    public static let maxResponseBytes = 6 * 1024 * 1024

    /// Runs the function: start-up (`makeHandler` reads and checks configuration; a throw there is an init error,
    /// reported to `/runtime/init/error`, and the process exits with status 1), then invocations until the Runtime
    /// API goes away. Never returns normally.
    public static func run(_ makeHandler: (LambdaLogger) throws -> LambdaHandler) -> Never {
        let environment = Environment.current()
        let logger = LambdaLogger.fromEnvironment(environment)
        guard let endpoint = environment["AWS_LAMBDA_RUNTIME_API"], !endpoint.isEmpty else {
            logger.error("AWS_LAMBDA_RUNTIME_API is not set: not running under Lambda")
            exit(1)
        }
        let client: CurlRuntimeAPIClient
        do {
            client = CurlRuntimeAPIClient(endpoint: endpoint, http: try CurlHTTPClient())
        } catch {
            logger.error("cannot start libcurl: \(error)")
            exit(1)
        }
        let handler: LambdaHandler
        do {
            handler = try makeHandler(logger)
        } catch {
            let initError = LambdaError.unnamed(error)
            logger.error("init failed: \(initError.errorType): \(initError.errorMessage)")
            try? client.failInit(initError)
            exit(1)
        }
        do throws(LambdaError) {
            try runLoop(client: client, logger: logger, handler: handler)
        } catch {
            logger.error("the Runtime API failed: \(error.errorMessage)")
        }
        exit(1)
    }

    /// The loop itself, with the client injected: tests drive it with a fake, and `maxInvocations` ends it.
    /// Returns after `maxInvocations`; throws when the Runtime API itself fails.
    public static func runLoop(
        client: RuntimeAPIClient, logger: LambdaLogger, maxInvocations: Int? = nil, handler: LambdaHandler
    ) throws(LambdaError) {
        var handled = 0
        while maxInvocations.map({ handled < $0 }) ?? true {
            let (metadata, event) = try client.next()
            handled += 1
            // The X-Ray SDKs and our HTTP clients read the trace id from here.
            if let traceID = metadata.traceID {
                setenv("_X_AMZN_TRACE_ID", traceID, 1)
            } else {
                unsetenv("_X_AMZN_TRACE_ID")
            }
            let context = LambdaContext(
                metadata: metadata,
                logger: logger.forInvocation(requestID: metadata.requestID, traceID: metadata.traceID))
            let outcome: Result<[UInt8], LambdaError>
            do {
                let body = try handler(context, event)
                outcome =
                    body.count <= maxResponseBytes
                    ? .success(body)
                    : .failure(
                        LambdaError(
                            errorType: RuntimeErrorType.responseTooLarge,
                            errorMessage:
                                "the response is \(body.count) bytes; Lambda accepts at most \(maxResponseBytes)"))
            } catch {
                outcome = .failure(LambdaError.unnamed(error))
            }
            switch outcome {
            case .success(let body):
                try client.respond(requestID: metadata.requestID, body: body)
            case .failure(let error):
                context.logger.error("invocation failed: \(error.errorType): \(error.errorMessage)")
                try client.fail(requestID: metadata.requestID, error: error)
            }
        }
    }
}

/// The process environment as a dictionary, read without Foundation.
public enum Environment {
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        guard var pointer = csystem_environ() else { return [:] }
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
