import Foundation

/// The emulator's two APIs: the Runtime API the bootstrap calls, and the control API tests and the demo call.
enum Routes {
    static let runtime = "/2018-06-01/runtime"

    static func answer(_ request: ServerRequest, host: FunctionHost) -> ServerResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, request.path) {
        case ("GET", "\(runtime)/invocation/next"):
            guard let invocation = host.next() else { return ServerResponse(status: 410) }
            return ServerResponse(
                status: 200,
                headers: [
                    ("Lambda-Runtime-Aws-Request-Id", invocation.id),
                    ("Lambda-Runtime-Deadline-Ms", String(invocation.deadlineMilliseconds)),
                    ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:local"),
                    ("Lambda-Runtime-Trace-Id", invocation.traceID), ("Content-Type", "application/json"),
                ], body: invocation.event)
        case ("POST", "\(runtime)/init/error"):
            host.failInit(errorFields(request))
            return accepted
        case ("POST", _) where request.path.hasPrefix("\(runtime)/invocation/") && parts.count == 5:
            let body = String(decoding: request.body, as: UTF8.self)
            var result: [String: Any] = ["body": body]
            if parts[4] == "response" {
                result["outcome"] = "ok"
            } else if parts[4] == "error" {
                result.merge(errorFields(request)) { _, new in new }
                result["outcome"] = "error"
            } else {
                return notFound
            }
            return host.complete(parts[3], result)
                ? accepted
                : ServerResponse(
                    status: 400,
                    body: json(
                        ["errorType": "InvalidRequestID", "errorMessage": "unknown or expired request id"]))
        case ("POST", "/invoke"):
            return ServerResponse(
                status: 200, headers: [("Content-Type", "application/json")],
                body: json(host.invoke(event: request.body, traceID: request.headers["x-trace-id"])))
        case ("POST", _)
        where request.path.hasPrefix("/2015-03-31/functions/") && request.path.hasSuffix("/invocations"):
            // Lambda's Invoke API (RequestResponse), so SigV4 clients such as `consumption backfill` work unchanged.
            let result = host.invoke(event: request.body, traceID: request.headers["x-trace-id"])
            let body = Array(((result["body"] as? String) ?? "").utf8)
            switch result["outcome"] as? String {
            case "ok":
                return ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: body)
            case "error":
                return ServerResponse(
                    status: 200,
                    headers: [
                        ("Content-Type", "application/json"),
                        ("X-Amz-Function-Error", "Unhandled"),
                    ], body: body)
            default:
                let problem: [String: Any] = [
                    "errorType": "Runtime.\(result["outcome"] ?? "Unknown")",
                    "errorMessage": result["errorMessage"] ?? "the function did not answer",
                ]
                return ServerResponse(
                    status: 200,
                    headers: [
                        ("Content-Type", "application/json"),
                        ("X-Amz-Function-Error", "Unhandled"),
                    ], body: json(problem))
            }
        case ("GET", "/stats"):
            return ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: json(host.stats))
        case ("POST", "/stop"):
            host.stop()
            return ServerResponse(status: 200, body: Array("{}".utf8))
        default:
            return notFound
        }
    }

    static let accepted = ServerResponse(status: 202, body: Array(#"{"status":"OK"}"#.utf8))
    static let notFound = ServerResponse(status: 404, body: Array(#"{"errorMessage":"no such path"}"#.utf8))

    static func errorFields(_ request: ServerRequest) -> [String: Any] {
        let posted = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        return [
            "errorType": request.headers["lambda-runtime-function-error-type"] ?? "",
            "errorMessage": posted["errorMessage"] ?? "",
        ]
    }

    static func json(_ value: [String: Any]) -> [UInt8] {
        [UInt8]((try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8))
    }
}
